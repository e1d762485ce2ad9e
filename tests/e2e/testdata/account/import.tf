variable "import_id" {
  type = string
}

import {
  to = cftenant_account.imported
  id = var.import_id
}

resource "cftenant_account" "imported" {
  name = "Made Elsewhere Inc"
}
