variable "account_id" {
  description = "The id of an account, e.g. one listed by cftenant_tenant_accounts."
  type        = string
}

data "cftenant_account" "this" {
  account_id = var.account_id
}

output "account" {
  value = {
    name              = data.cftenant_account.this.name
    type              = data.cftenant_account.this.type
    unit              = data.cftenant_account.this.unit_id
    enforce_twofactor = data.cftenant_account.this.enforce_twofactor
  }
}
