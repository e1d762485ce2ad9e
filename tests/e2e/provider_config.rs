//! The provider block as shared modules and team roots write it: every
//! credential from a variable that defaults to null, only one method given
//! a value, and values that are unknown while Terraform validates. Plus the
//! endpoint mistakes a user makes first: a `base_url` without `/client/v4`.

use crate::harness::*;

const PROVIDER_FROM_VARIABLES: &str = r#"
terraform {
  required_providers {
    cftenant = { source = "cftenant/cftenant" }
  }
}

variable "api_token" {
  type      = string
  default   = null
  sensitive = true
}

variable "email" {
  type    = string
  default = null
}

variable "api_key" {
  type      = string
  default   = null
  sensitive = true
}

variable "base_url" {
  type = string
}

provider "cftenant" {
  api_token = var.api_token
  email     = var.email
  api_key   = var.api_key
  base_url  = var.base_url
}
"#;

/// Values only known after apply flow into other resources: an account id
/// into a member and a zone, the zone id into its plan. None of them may be
/// refused while unknown.
const CUSTOMER_IN_A_MODULE: &str = r#"
module "customer" {
  source = "./customer"
  name   = "Variables Co"
}

output "account_id" {
  value = module.customer.account_id
}
"#;

const CUSTOMER_MODULE: &str = r#"
terraform {
  required_providers {
    cftenant = { source = "cftenant/cftenant" }
  }
}

variable "name" {
  type = string
}

resource "cftenant_account" "this" {
  name = var.name
}

resource "cftenant_account_member" "admin" {
  account_id = cftenant_account.this.id
  email      = "admin@variables-co.com"
  roles      = ["05784afa30c1afe1440e79d9351c7430"]
}

resource "cftenant_zone" "www" {
  account_id = cftenant_account.this.id
  name       = "variables-co.com"
}

resource "cftenant_zone_subscription" "www" {
  zone_id      = cftenant_zone.www.id
  rate_plan_id = "PARTNERS_PRO"
  component_values = [
    { name = "page_rules", value = length(cftenant_account.this.id) },
  ]
}

output "account_id" {
  value = cftenant_account.this.id
}
"#;

fn workspace(ctx: &mut Ctx) {
    // Only the variables may carry credentials here.
    ctx.ws.env_remove("CLOUDFLARE_API_TOKEN");
    ctx.ws.env_remove("CLOUDFLARE_BASE_URL");
    let api = ctx.sim.base_url.clone();
    ctx.set_var("base_url", &api);
    ctx.ws.write_files(&[
        ("provider.tf", PROVIDER_FROM_VARIABLES),
        ("main.tf", CUSTOMER_IN_A_MODULE),
    ]);
    let module = ctx.ws.dir.path().join("customer");
    std::fs::create_dir_all(&module).unwrap();
    std::fs::write(module.join("main.tf"), CUSTOMER_MODULE).unwrap();
    // Modules only: with dev_overrides there is no provider to install.
    ctx.ws.ok(&["get", "-no-color"]);
}

/// validate (variables unknown), plan, apply, an empty plan, destroy.
fn whole_lifecycle(ctx: &Ctx) {
    let validated = ctx.ws.ok(&["validate", "-no-color"]);
    assert!(
        validated.contains("The configuration is valid"),
        "{validated}"
    );
    ctx.ws.apply();
    ctx.ws.assert_plan_empty();
    let account_id = ctx.ws.outputs()["account_id"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(ctx.sim.object("accounts", &account_id).is_some());
    assert_eq!(ctx.sim.objects("members").len(), 1);
    assert_eq!(ctx.sim.objects("zone_subscriptions").len(), 1);
    ctx.ws
        .ok(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    assert!(ctx.sim.objects("accounts").is_empty());
}

#[test]
fn provider_block_from_variables_with_a_token_only() {
    let mut ctx = Ctx::new();
    workspace(&mut ctx);
    ctx.set_var("api_token", TOKEN);
    whole_lifecycle(&ctx);
}

#[test]
fn provider_block_from_variables_with_email_and_key_only() {
    let mut ctx = Ctx::new();
    workspace(&mut ctx);
    ctx.set_var("email", "sim@example.com");
    ctx.set_var("api_key", "sim-key");
    whole_lifecycle(&ctx);
}

#[test]
fn provider_block_from_variables_left_null_takes_the_environment() {
    let mut ctx = Ctx::new();
    workspace(&mut ctx);
    ctx.ws.env_restore("CLOUDFLARE_API_TOKEN");
    whole_lifecycle(&ctx);
}

#[test]
fn provider_block_from_variables_with_both_methods_is_refused_at_plan() {
    let mut ctx = Ctx::new();
    workspace(&mut ctx);
    ctx.set_var("api_token", TOKEN);
    ctx.set_var("email", "sim@example.com");
    ctx.set_var("api_key", "sim-key");
    let (code, text) = ctx.ws.plan();
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("Conflicting credentials"), "{text}");
    assert!(ctx.sim.objects("accounts").is_empty());
}

#[test]
fn base_url_without_the_api_path_says_so() {
    let ctx = Ctx::new();
    let mut ws = Workspace::new(&ctx.sim);
    ws.extra_env
        .push(("CLOUDFLARE_BASE_URL".into(), ctx.sim.root.clone()));
    ws.write_config("resource \"cftenant_account\" \"a\" {\n  name = \"No Route Co\"\n}\n");
    let out = ws.terraform(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    for needle in [
        "Cloudflare error 7000",
        "The API lives under `/client/v4`",
        &format!("{:?}", ctx.sim.root),
    ] {
        assert!(text.contains(needle), "no {needle:?} in:\n{text}");
    }
}

const ACCOUNT_ONLY: &str = "resource \"cftenant_account\" \"a\" {\n  name = \"Env Co\"\n}\n";

/// `email` in the block, its key from the environment: each setting falls
/// back to its own variable.
#[test]
fn a_key_from_the_environment_completes_an_email_in_the_block() {
    let ctx = Ctx::new();
    let mut ws = Workspace::new(&ctx.sim);
    ws.env_remove("CLOUDFLARE_API_TOKEN");
    ws.extra_env.push((
        "CLOUDFLARE_API_KEY".into(),
        cftenant_testing::ADMIN_KEY.into(),
    ));
    ws.write_files(&[(
        "main.tf",
        &format!(
            "terraform {{\n  required_providers {{\n    cftenant = {{ source = \"cftenant/cftenant\" }}\n  }}\n}}\n\
             provider \"cftenant\" {{\n  email = {:?}\n}}\n{ACCOUNT_ONLY}",
            cftenant_testing::ADMIN_EMAIL
        ),
    )]);
    ws.ok(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    assert_eq!(ctx.sim.objects("accounts").len(), 1);
    ws.ok(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
}

/// One shell for both providers: `CLOUDFLARE_*` holds a token (and
/// endpoint) for the official provider, `CFTENANT_*` the global key and
/// endpoint for this one, which comes first.
#[test]
fn cftenant_variables_come_before_the_official_providers() {
    let ctx = Ctx::new();
    let mut ws = Workspace::new(&ctx.sim);
    ws.extra_env = vec![
        (
            "CLOUDFLARE_API_TOKEN".into(),
            "a-token-for-the-official-provider".into(),
        ),
        (
            "CLOUDFLARE_BASE_URL".into(),
            "https://api.cloudflare.com/client/v4".into(),
        ),
        (
            "CFTENANT_EMAIL".into(),
            cftenant_testing::ADMIN_EMAIL.into(),
        ),
        (
            "CFTENANT_API_KEY".into(),
            cftenant_testing::ADMIN_KEY.into(),
        ),
        ("CFTENANT_BASE_URL".into(), ctx.sim.base_url.clone()),
        ("CFTENANT_MAX_RETRIES".into(), "2".into()),
    ];
    ws.write_config(ACCOUNT_ONLY);
    ws.ok(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    assert_eq!(ctx.sim.objects("accounts").len(), 1);
    ws.assert_plan_empty();
    ws.ok(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    assert!(ctx.sim.objects("accounts").is_empty());
}

/// Two methods at the same level conflict; the message says where each
/// came from, never a value.
#[test]
fn a_conflict_names_where_each_credential_came_from() {
    let ctx = Ctx::new();
    let mut ws = Workspace::new(&ctx.sim);
    ws.extra_env = vec![
        ("CFTENANT_API_TOKEN".into(), "tok-123-secret".into()),
        (
            "CFTENANT_EMAIL".into(),
            cftenant_testing::ADMIN_EMAIL.into(),
        ),
        ("CFTENANT_API_KEY".into(), "key-456-secret".into()),
    ];
    ws.write_config(ACCOUNT_ONLY);
    let out = ws.terraform(&["plan", "-input=false", "-no-color"]);
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    for needle in [
        "Conflicting credentials",
        "CFTENANT_API_TOKEN",
        "`CFTENANT_EMAIL`/`CFTENANT_API_KEY`",
        "in the environment",
    ] {
        assert!(text.contains(needle), "no {needle:?} in:\n{text}");
    }
    assert!(
        !text.contains("secret"),
        "a credential's value was shown:\n{text}"
    );
}

/// Credentials Cloudflare refuses: the advice names where those in use
/// came from (here `CFTENANT_*`, with `CLOUDFLARE_*` set beside them for
/// the official provider), never a value.
#[test]
fn refused_credentials_are_named_by_where_they_came_from() {
    let ctx = Ctx::new();
    let mut ws = Workspace::new(&ctx.sim);
    ws.extra_env = vec![
        (
            "CLOUDFLARE_API_TOKEN".into(),
            "a-token-for-the-official-provider".into(),
        ),
        (
            "CFTENANT_EMAIL".into(),
            cftenant_testing::ADMIN_EMAIL.into(),
        ),
        ("CFTENANT_API_KEY".into(), "wrong-key-secret".into()),
    ];
    ws.write_config(ACCOUNT_ONLY);
    let out = ws.terraform(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    let advice = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        advice
            .contains("Check the credentials in use, from `CFTENANT_EMAIL` and `CFTENANT_API_KEY`"),
        "{text}"
    );
    assert!(
        !text.contains("secret"),
        "a credential's value was shown:\n{text}"
    );
    assert!(ctx.sim.objects("accounts").is_empty());
}

/// The User-Agent names the provider and Terraform, as the HashiCorp
/// providers' does, with `TF_APPEND_USER_AGENT` after them.
#[test]
fn the_user_agent_names_provider_terraform_and_what_is_appended() {
    let ctx = Ctx::new();
    let mut ws = Workspace::new(&ctx.sim);
    ws.extra_env
        .push(("TF_APPEND_USER_AGENT".into(), "partner-pipeline/2.1".into()));
    ws.write_config(ACCOUNT_ONLY);
    ws.apply();
    let version = ws.json(&["version", "-json"])["terraform_version"]
        .as_str()
        .expect("terraform's version")
        .to_string();
    let agents = ctx.sim.stats()["user_agents"].clone();
    let expected = format!(
        "terraform-provider-cftenant/{} Terraform/{version} partner-pipeline/2.1",
        env!("CARGO_PKG_VERSION")
    );
    let seen: Vec<&String> = agents.as_object().expect("user_agents").keys().collect();
    assert_eq!(seen, [&expected], "{agents}");
    ws.ok(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
}
