//! The `roost` command: see `roost --help`.

use clap::Parser;

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
