//! Generates the server side of Modal's API from the same proto/modal_client.proto the client is
//! built from (protox: pure Rust, no protoc).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    const PROTO: &str = "../proto/modal_client.proto";
    println!("cargo:rerun-if-changed={PROTO}");
    let descriptors = protox::compile([PROTO], ["../proto"])?;
    tonic_prost_build::configure()
        .build_client(false)
        .build_transport(false)
        .compile_fds(descriptors)?;
    Ok(())
}
