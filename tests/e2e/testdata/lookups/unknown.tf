variable "account_id" {
  type = string
}

data "cftenant_account" "unknown" {
  account_id = var.account_id
}
