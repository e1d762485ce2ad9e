//! `cftenant_account_member` end to end.

use crate::harness::*;
use serde_json::json;

const ADA: &str = "cftenant_account_member.ada";

fn member_path(ctx: &Ctx) -> String {
    let m = ctx.ws.resource(ADA);
    format!(
        "/accounts/{}/members/{}",
        m["account_id"].as_str().unwrap(),
        m["id"].as_str().unwrap()
    )
}

/// An account named `account` and the member `ada` in it, with `member`'s
/// lines (after its `account_id`).
fn ada_in(account: &str, member: &str) -> String {
    format!(
        "resource \"cftenant_account\" \"customer\" {{\n  name = \"{account}\"\n}}\n\
         resource \"cftenant_account_member\" \"ada\" {{\n  account_id = cftenant_account.customer.id\n  {member}}}\n"
    )
}

fn api_role_ids(member: &serde_json::Value) -> Vec<String> {
    let mut ids: Vec<String> = member["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn account_member_lifecycle() {
    run(vec![
        Step::PlanFails(
            "account_member/invalid.tf",
            &[
                "\"not-an-email\" is not an email address",
                "roles[0]",
                "\"Administrator\" is not a Cloudflare id",
                "\"active\" is not allowed",
            ],
        ),
        Step::Apply(
            "account_member/admin.tf",
            check(|ctx| {
                let api = ctx.sim.api("GET", &member_path(ctx), None);
                assert_eq!(api_role_ids(&api), vec![ADMIN_ROLE]);
                assert_eq!(api["status"], "pending");
                let state = ctx.ws.resource(ADA);
                assert_eq!(state["status"], "pending");
                assert_eq!(state["user_id"], api["user"]["id"]);
                assert_eq!(state["roles"], serde_json::json!([ADMIN_ROLE]));
                ctx.set_var("member_id", state["id"].as_str().unwrap());
            }),
        ),
        Step::Apply(
            "account_member/two_roles.tf",
            check(|ctx| {
                assert_eq!(
                    ctx.ws.vars["member_id"],
                    ctx.ws.resource(ADA)["id"].as_str().unwrap(),
                    "roles change in place"
                );
                let api = ctx.sim.api("GET", &member_path(ctx), None);
                assert_eq!(
                    api_role_ids(&api),
                    vec![ADMIN_ROLE, "783ce15b5beb95f6060b56ece9263396"]
                );
            }),
        ),
        // Roles changed outside Terraform: an in-place update puts them back.
        Step::OutOfBand(check(|ctx| {
            ctx.sim.api(
                "PUT",
                &member_path(ctx),
                Some(serde_json::json!({"roles": [{"id": ADMIN_ROLE}]})),
            );
        })),
        Step::Plans(
            vec![planned(ADA, "update").attr(
                "roles",
                json!([ADMIN_ROLE]),
                json!([ADMIN_ROLE, "783ce15b5beb95f6060b56ece9263396"]),
            )],
            (0, 1, 0),
        ),
        Step::Apply(
            "account_member/two_roles.tf",
            check(|ctx| {
                assert_eq!(
                    api_role_ids(&ctx.sim.api("GET", &member_path(ctx), None)).len(),
                    2
                )
            }),
        ),
        Step::OutOfBand(check(|ctx| {
            ctx.sim.api("DELETE", &member_path(ctx), None);
        })),
        Step::Plans(vec![planned(ADA, "create")], (1, 0, 0)),
        Step::Apply(
            "account_member/two_roles.tf",
            check(|ctx| assert_eq!(ctx.sim.objects("members").len(), 1)),
        ),
        Step::Import {
            address: ADA,
            id: Box::new(|ctx: &Ctx| {
                let m = ctx.ws.resource(ADA);
                format!(
                    "{}/{}",
                    m["account_id"].as_str().unwrap(),
                    m["id"].as_str().unwrap()
                )
            }),
            check: check(|ctx| assert_eq!(ctx.ws.resource(ADA)["email"], "ada@customer.example")),
        },
        Step::Destroy(check(|ctx| {
            assert!(ctx.sim.objects("members").is_empty());
            assert!(ctx.sim.objects("accounts").is_empty());
        })),
        Step::ApplyFails(
            "account_member/unknown_role.tf",
            &[
                "Error creating member \"ada@customer.example\"",
                "0123456789abcdef0123456789abcdef",
            ],
        ),
        // Without the tenant entitlement, `accepted` is refused with advice
        // (at plan, once the account's id is known).
        Step::ApplyFails(
            "account_member/accepted.tf",
            &["allow_auto_accept_invites", "status = \"pending\""],
        ),
        // A destroy plans the configuration first, so the member that cannot
        // be created goes from it, as the advice says, before the destroy.
        Step::UseConfig("account_member/admin.tf"),
        Step::Destroy(check(|ctx| assert!(ctx.sim.objects("members").is_empty()))),
    ]);
}

#[test]
fn accepted_member_where_the_tenant_allows_it() {
    run_with(
        Ctx::with_sim_args(&["--allow-auto-accept-invites"]),
        vec![
            Step::Apply(
                "account_member/accepted.tf",
                check(|ctx| {
                    let state = ctx.ws.resource("cftenant_account_member.grace");
                    assert_eq!(state["status"], "accepted");
                    let members = ctx.sim.objects("members");
                    assert_eq!(members[0]["status"], "accepted");
                }),
            ),
            Step::Destroy(check(|ctx| assert!(ctx.sim.objects("members").is_empty()))),
        ],
    );
}

#[test]
fn a_members_email_in_other_letter_case_is_no_change() {
    let ctx = Ctx::new();
    let config = |email: &str| {
        ada_in(
            "Case Customer",
            &format!("email = \"{email}\"\n  roles = [\"{ADMIN_ROLE}\"]\n"),
        )
    };
    ctx.ws.write_config(&config("Ada@Customer-Example.com"));
    ctx.ws.apply();
    let id = ctx.ws.resource(ADA)["id"].clone();
    for email in ["ada@customer-example.com", "ADA@CUSTOMER-EXAMPLE.COM"] {
        ctx.ws.write_config(&config(email));
        let (code, text) = ctx.ws.plan();
        assert_eq!(
            code, 0,
            "{email}: Cloudflare compares emails case-insensitively:\n{text}"
        );
    }
    ctx.ws.apply();
    assert_eq!(ctx.ws.resource(ADA)["id"], id, "never re-invited");
    assert_eq!(ctx.sim.objects("members").len(), 1);
    // Another address is a replacement, and one the account already has is
    // refused at plan, before the member is removed.
    let account = ctx.ws.resource("cftenant_account.customer")["id"]
        .as_str()
        .unwrap()
        .to_string();
    ctx.sim.api(
        "POST",
        &format!("/accounts/{account}/members"),
        Some(serde_json::json!({"email": "grace@customer-example.com", "roles": [ADMIN_ROLE]})),
    );
    ctx.ws.write_config(&config("Grace@customer-example.com"));
    let (code, text) = ctx.ws.plan();
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("\"Grace@customer-example.com\" is already a member of account"),
        "{text}"
    );
    ctx.ws.write_config(&config("alan@customer-example.com"));
    let (code, text) = ctx.ws.plan();
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("must be replaced"), "{text}");
    ctx.destroy();
}

/// Policies instead of roles: created, changed and swapped for roles in
/// place, imported as policies (never as an empty set of roles), and exactly
/// one of the two is refused at plan otherwise.
#[test]
fn a_member_with_policies_instead_of_roles() {
    const GROUP_A: &str = "c8fed203ed3043cba015a93ad1616f1f";
    const GROUP_B: &str = "82e64a83756745bbbb1c9c2701bf816b";
    let ctx = Ctx::new();
    let config = |grant: &str| {
        ada_in(
            "Policy Customer",
            &format!("email = \"ada@policy-example.com\"\n{grant}\n"),
        )
    };
    let policies = |access: &str, group: &str| {
        format!(
            "  policies = [{{\n    access = \"{access}\"\n    permission_group_ids = [\"{group}\"]\n    resource_group_ids = [cftenant_account.customer.id]\n  }}]"
        )
    };
    let api_member = |ctx: &Ctx| ctx.sim.api("GET", &member_path(ctx), None);
    ctx.ws.write_config(&config(&policies("allow", GROUP_A)));
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    let id = ctx.ws.resource(ADA)["id"].clone();
    let member = api_member(&ctx);
    assert_eq!(member["roles"], json!([]), "{member}");
    assert_eq!(member["policies"][0]["access"], "allow");
    assert_eq!(member["policies"][0]["permission_groups"][0]["id"], GROUP_A);
    let account = ctx.ws.resource("cftenant_account.customer")["id"].clone();
    assert_eq!(member["policies"][0]["resource_groups"][0]["id"], account);

    // Changed in place.
    ctx.ws.write_config(&config(&policies("deny", GROUP_B)));
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    let member = api_member(&ctx);
    assert_eq!(ctx.ws.resource(ADA)["id"], id, "not replaced");
    assert_eq!(member["policies"][0]["access"], "deny");
    assert_eq!(member["policies"][0]["permission_groups"][0]["id"], GROUP_B);

    // Two policies, then the same two in the other order: no change.
    let policy = |access: &str, group: &str| {
        format!(
            "{{ access = \"{access}\", permission_group_ids = [\"{group}\"], resource_group_ids = [cftenant_account.customer.id] }}"
        )
    };
    let list = |ps: &[&String]| {
        let ps: Vec<&str> = ps.iter().map(|p| p.as_str()).collect();
        format!("  policies = [{}]", ps.join(", "))
    };
    let (allow_a, deny_b) = (policy("allow", GROUP_A), policy("deny", GROUP_B));
    ctx.ws.write_config(&config(&list(&[&allow_a, &deny_b])));
    ctx.ws.apply();
    ctx.ws.write_config(&config(&list(&[&deny_b, &allow_a])));
    assert_eq!(ctx.ws.planned_changes().totals(), (0, 1, 0), "an update");
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    assert_eq!(
        api_member(&ctx)["policies"].as_array().map(Vec::len),
        Some(2)
    );
    ctx.ws.write_config(&config(&policies("deny", GROUP_B)));
    ctx.ws.apply();

    // Imported as what it is: policies, and no roles.
    ctx.ws.ok(&["state", "rm", "-no-color", ADA]);
    let import_id = format!("{}/{}", account.as_str().unwrap(), id.as_str().unwrap());
    ctx.ws
        .ok(&["import", "-input=false", "-no-color", ADA, &import_id]);
    let imported = ctx.ws.resource(ADA);
    assert!(imported["roles"].is_null(), "{imported}");
    assert_eq!(imported["policies"][0]["access"], "deny", "{imported}");
    ctx.ws.assert_config_plan_empty();

    // From policies to roles, in place; the API then has the roles only.
    ctx.ws
        .write_config(&config(&format!("  roles = [\"{ADMIN_ROLE}\"]")));
    let changes = ctx.ws.planned_changes();
    assert_eq!(changes.totals(), (0, 1, 0), "{changes:#?}");
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    assert_eq!(ctx.ws.resource(ADA)["id"], id, "not replaced");
    assert_eq!(
        api_role_ids(&api_member(&ctx)),
        vec![ADMIN_ROLE.to_string()]
    );

    // Both, or neither: refused at plan, pointing at the attribute.
    for (grant, needle) in [
        (
            format!(
                "  roles = [\"{ADMIN_ROLE}\"]\n{}",
                policies("allow", GROUP_A)
            ),
            "roles and policies are set",
        ),
        (String::new(), "none is set"),
    ] {
        ctx.ws.write_config(&config(&grant));
        let (code, text) = ctx.ws.plan();
        assert_eq!(code, 1, "{text}");
        assert!(
            text.contains("Exactly one of `roles`, `policies` must be set"),
            "{text}"
        );
        assert!(text.contains(needle), "{text}");
    }
    ctx.ws
        .write_config(&config(&format!("  roles = [\"{ADMIN_ROLE}\"]")));
    ctx.destroy();
}

/// An invitation accepted after it was sent: the state reads `accepted`,
/// and neither `pending` nor `accepted` in the configuration is a change;
/// nor is `pending` after an import of the accepted member. The member is
/// never removed and invited again, which would take its access away.
#[test]
fn an_accepted_invitation_is_read_and_satisfies_either_status() {
    let ctx = Ctx::with_sim_args(&["--allow-auto-accept-invites"]);
    let config = |status: &str| {
        ada_in(
            "Invited Customer",
            &format!("email = \"ada@customer.example\"\n  roles = [\"{ADMIN_ROLE}\"]\n{status}"),
        )
    };
    ctx.ws.write_config(&config("  status = \"pending\"\n"));
    ctx.ws.apply();
    let id = ctx.ws.id_of(ADA);
    assert_eq!(ctx.ws.resource(ADA)["status"], "pending");

    ctx.sim
        .admin("POST", &format!("{}/accept", member_path(&ctx)), None);
    // A refresh-only plan shows the acceptance as a change outside
    // Terraform; nothing is planned to change.
    ctx.ws.assert_config_plan_empty();
    ctx.ws.refresh();
    assert_eq!(
        ctx.ws.resource(ADA)["status"],
        "accepted",
        "the state holds what Cloudflare reports"
    );
    for status in ["  status = \"accepted\"\n", "", "  status = \"pending\"\n"] {
        ctx.ws.write_config(&config(status));
        ctx.ws.assert_plan_empty();
    }

    let import_id = format!(
        "{}/{id}",
        ctx.ws.resource(ADA)["account_id"].as_str().unwrap()
    );
    ctx.ws.ok(&["state", "rm", ADA]);
    ctx.ws
        .ok(&["import", "-input=false", "-no-color", ADA, &import_id]);
    assert_eq!(ctx.ws.resource(ADA)["status"], "accepted");
    ctx.ws.assert_config_plan_empty();

    assert_eq!(ctx.ws.id_of(ADA), id, "the same member throughout");

    // A member still pending: `accepted` asks for a direct grant instead of
    // the invitation, a replacement.
    ctx.ws
        .write_config(&config("  status = \"pending\"\n").replace("ada@", "alan@"));
    ctx.ws.apply();
    ctx.ws
        .write_config(&config("  status = \"accepted\"\n").replace("ada@", "alan@"));
    let (code, text) = ctx.ws.plan();
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("# forces replacement") && text.contains("\"pending\" -> \"accepted\""),
        "{text}"
    );
    ctx.destroy();
}

/// An invitation accepted between a plan (of another role) and its apply,
/// or before an apply with `-refresh=false`: the apply succeeds as planned
/// (the roles change; the state says `pending`, as planned), and the next
/// refresh reads the acceptance, which is no change.
#[test]
fn an_invitation_accepted_between_plan_and_apply_leaves_the_apply_as_planned() {
    const OTHER_ROLE: &str = "783ce15b5beb95f6060b56ece9263396";
    let ctx = Ctx::new();
    let config = |role: &str| {
        ada_in(
            "Accepting Customer",
            &format!("email = \"ada@customer.example\"\n  roles = [\"{role}\"]\n  status = \"pending\"\n"),
        )
    };
    ctx.ws.write_config(&config(ADMIN_ROLE));
    ctx.ws.apply();
    ctx.ws.write_config(&config(OTHER_ROLE));
    ctx.ws
        .ok(&["plan", "-input=false", "-no-color", "-out=role.tfplan"]);
    ctx.sim
        .admin("POST", &format!("{}/accept", member_path(&ctx)), None);
    ctx.ws
        .ok(&["apply", "-input=false", "-no-color", "role.tfplan"]);
    assert_eq!(ctx.ws.resource(ADA)["status"], "pending", "as planned");
    let api = ctx.sim.api("GET", &member_path(&ctx), None);
    assert_eq!(api_role_ids(&api), vec![OTHER_ROLE]);
    assert_eq!(api["status"], "accepted");
    ctx.ws.assert_config_plan_empty();
    ctx.ws.refresh();
    assert_eq!(ctx.ws.resource(ADA)["status"], "accepted");
    ctx.ws.assert_plan_empty();
    ctx.destroy();
}
