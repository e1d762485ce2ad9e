# A module names its providers' sources too: without this, Terraform would
# look for hashicorp/cftenant. The provider itself is configured by the root
# configuration that calls the module.
terraform {
  required_providers {
    cftenant = {
      source  = "cftenant/cftenant"
      version = "~> 0.3"
    }
  }
}
