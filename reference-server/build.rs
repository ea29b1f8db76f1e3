//! Generates the server side of Modal's API from the same proto/modal_client.proto the client is
//! built from (protox: pure Rust, no protoc), plus the calls the product never makes but Modal's
//! JS and Go SDKs do (Modal's `modal_proto/api.proto`, field numbers as the JS SDK 0.11.1
//! encodes them):
//! - `AuthTokenGet`, their first call: `AuthTokenGetRequest {}` → `AuthTokenGetResponse
//!   { string token = 1; }`;
//! - `AppGetOrCreate`, the call a judge program makes, which carries the environment:
//!   `{ string app_name = 1; string environment_name = 2; int32 object_creation_type = 3; }` →
//!   `{ string app_id = 1; }`.
//!
//! They are added to the descriptors here rather than to the shared file, so that modal-setup's
//! binary carries no client for them.

use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{DescriptorProto, FieldDescriptorProto, MethodDescriptorProto};

fn message(name: &str, fields: &[(&str, i32, Type)]) -> DescriptorProto {
    let field = fields
        .iter()
        .map(|&(name, number, kind)| FieldDescriptorProto {
            name: Some(name.into()),
            number: Some(number),
            label: Some(Label::Optional as i32),
            r#type: Some(kind as i32),
            ..FieldDescriptorProto::default()
        })
        .collect();
    DescriptorProto {
        name: Some(name.into()),
        field,
        ..DescriptorProto::default()
    }
}

fn method(name: &str) -> MethodDescriptorProto {
    MethodDescriptorProto {
        name: Some(name.into()),
        input_type: Some(format!(".modal.client.{name}Request")),
        output_type: Some(format!(".modal.client.{name}Response")),
        ..MethodDescriptorProto::default()
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    const PROTO: &str = "../proto/modal_client.proto";
    println!("cargo:rerun-if-changed={PROTO}");
    let mut descriptors = protox::compile([PROTO], ["../proto"])?;
    let file = descriptors
        .file
        .iter_mut()
        .find(|f| f.package() == "modal.client")
        .ok_or("proto/modal_client.proto declares package modal.client")?;
    // prost-build looks up every message's comments by its path; added ones have none.
    file.source_code_info = None;
    file.message_type.extend([
        message("AuthTokenGetRequest", &[]),
        message("AuthTokenGetResponse", &[("token", 1, Type::String)]),
        message(
            "AppGetOrCreateRequest",
            &[
                ("app_name", 1, Type::String),
                ("environment_name", 2, Type::String),
                ("object_creation_type", 3, Type::Int32),
            ],
        ),
        message("AppGetOrCreateResponse", &[("app_id", 1, Type::String)]),
    ]);
    file.service
        .iter_mut()
        .find(|s| s.name() == "ModalClient")
        .ok_or("proto/modal_client.proto declares service ModalClient")?
        .method
        .extend([method("AuthTokenGet"), method("AppGetOrCreate")]);
    tonic_prost_build::configure()
        .build_client(false)
        .build_transport(false)
        .compile_fds(descriptors)?;
    Ok(())
}
