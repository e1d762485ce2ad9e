//! Testing a module with the simulator, as the README shows users: the
//! customer-onboarding module's own `terraform test` suite runs against the
//! simulator and leaves nothing behind.

use crate::harness::*;
use std::path::Path;

/// Copies a directory's files and subdirectories (not dot-directories such
/// as a stray .terraform).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            copy_dir(&path, &to.join(name));
        } else {
            std::fs::copy(&path, to.join(name)).unwrap();
        }
    }
}

#[test]
fn customer_onboarding_module_passes_its_terraform_tests_against_the_simulator() {
    let ctx = Ctx::new();
    let module = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/modules/customer-onboarding");
    assert!(module.join("tests/onboarding.tftest.hcl").is_file());
    copy_dir(&module, ctx.ws.dir.path());

    let tested = ctx.ws.ok(&["test", "-no-color"]);
    assert!(tested.contains("Success! 3 passed, 0 failed."), "{tested}");
    // The runs applied for real, then Terraform destroyed what they made.
    let stats = ctx.sim.stats();
    assert_eq!(stats["requests"]["POST /accounts"], 1, "{stats}");
    assert_eq!(stats["requests"]["POST /zones"], 2, "{stats}");
    assert_eq!(
        stats["requests"]["DELETE /accounts/{account_id}"], 1,
        "{stats}"
    );
    for kind in ["accounts", "members", "zones", "zone_subscriptions"] {
        assert!(
            ctx.sim.objects(kind).is_empty(),
            "{kind} left after terraform test: {:?}",
            ctx.sim.objects(kind)
        );
    }
}
