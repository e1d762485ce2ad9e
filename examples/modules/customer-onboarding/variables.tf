variable "customer_name" {
  description = "The customer's name: the name of their account."
  type        = string

  validation {
    condition     = length(var.customer_name) > 0 && length(var.customer_name) <= 100
    error_message = "customer_name must be 1 to 100 characters."
  }
}

variable "unit_tag" {
  description = "The tenant unit (unit_tag) to create the account in, e.g. from data.cftenant_tenant's tenant_units."
  type        = string
}

variable "zones" {
  description = "The customer's domains, e.g. [\"example.com\"]. Each becomes a zone on the rate plan `plan`."
  type        = list(string)
  default     = []

  validation {
    condition     = length(distinct([for z in var.zones : lower(z)])) == length(var.zones)
    error_message = "zones must not list a domain twice."
  }
}

variable "plan" {
  description = "The rate plan of every zone: PARTNERS_FREE, PARTNERS_PRO, PARTNERS_BIZ or PARTNERS_ENT."
  type        = string
  default     = "PARTNERS_PRO"
}

variable "admins" {
  description = "Emails of the customer's administrators. Each is invited with the account's Administrator role."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.admins : can(regex("^[^@\\s]+@[^@\\s]+$", a))])
    error_message = "admins must be email addresses."
  }
}
