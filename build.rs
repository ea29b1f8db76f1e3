//! Generates the client of Modal's API from proto/modal_client.proto with protox (pure Rust, so
//! building needs nothing but the Rust toolchain). Only the client: the binary never links a
//! server.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    const PROTO: &str = "proto/modal_client.proto";
    println!("cargo:rerun-if-changed={PROTO}");
    let descriptors = protox::compile([PROTO], ["proto"])?;
    tonic_prost_build::configure()
        .build_server(false)
        .build_transport(false)
        .compile_fds(descriptors)?;
    Ok(())
}
