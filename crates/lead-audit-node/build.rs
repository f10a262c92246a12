//! Sets the linker flags a Node addon needs (undefined N-API symbols on macOS).

fn main() {
    napi_build::setup();
}
