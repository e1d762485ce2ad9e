//! `terraform-provider-cftenant`: the provider binary Terraform starts, and
//! the generator of the provider's registry documentation (`docs`).

use cftenant::provider::CftenantProvider;
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tfplugin::docs::{self, DifferenceKind, Examples};

/// Terraform / OpenTofu provider for Cloudflare's partner (Tenant) API.
/// Without a command it serves the plugin: that is how Terraform starts it.
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Generates the Terraform Registry documentation (index.md, resources/,
    /// data-sources/) from the provider's schema and the example files.
    Docs {
        /// The documentation directory.
        #[arg(long, default_value = "docs")]
        dir: PathBuf,
        /// Where the examples are (provider/provider.tf,
        /// resources/<type>/resource.tf and import.sh,
        /// data-sources/<type>/data-source.tf).
        #[arg(long, default_value = "examples")]
        examples_dir: PathBuf,
        /// Write nothing; list the pages that are out of date and fail if
        /// there are any.
        #[arg(long)]
        check: bool,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        None => serve(),
        Some(Command::Docs {
            dir,
            examples_dir,
            check,
        }) => generate_docs(&dir, &examples_dir, check),
    }
}

fn serve() -> ExitCode {
    tfplugin::logging::init("cftenant", &["cftenant", "terraform_provider_cftenant"]);
    tfplugin::server::run(CftenantProvider::default())
}

fn generate_docs(dir: &Path, examples_dir: &Path, check: bool) -> ExitCode {
    let provider = CftenantProvider::plugin();
    let examples = match Examples::load(examples_dir, &provider) {
        Ok(examples) => examples,
        Err(e) => {
            eprintln!("cannot read the examples: {e}");
            return ExitCode::FAILURE;
        }
    };
    let pages = docs::render(&provider, &examples);
    if check {
        match docs::differences(dir, &pages) {
            Ok(differences) if differences.is_empty() => {
                println!("{} is up to date", dir.display());
                ExitCode::SUCCESS
            }
            Ok(differences) => {
                eprintln!("{}", docs::STALE);
                for difference in differences {
                    eprintln!("  {}/{difference}", dir.display());
                }
                ExitCode::FAILURE
            }
            Err(e) => {
                eprintln!("cannot compare the docs: {e}");
                ExitCode::FAILURE
            }
        }
    } else {
        match docs::write(dir, &pages) {
            Ok(changes) => {
                for change in &changes {
                    let done = match change.kind {
                        DifferenceKind::Missing => "created",
                        DifferenceKind::Changed => "updated",
                        DifferenceKind::Stale => "removed",
                    };
                    println!("{done} {}", dir.join(&change.path).display());
                }
                if changes.is_empty() {
                    println!("{} is up to date", dir.display());
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("cannot write the docs: {e}");
                ExitCode::FAILURE
            }
        }
    }
}
