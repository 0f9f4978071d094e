//! The `roost` command: see `roost --help`.

use clap::Parser;

/// mimalloc instead of the system allocator: rendering a page allocates many small strings
/// from several threads, where glibc's allocator spent about 15 % of the server's CPU in the
/// search benchmark (README "Benchmark").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = roost::cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("roost: cannot start the async runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    runtime.block_on(roost::cli::run(cli))
}
