# <tenant_id>/<ns_name>
terraform import 'cftenant_tenant_custom_nameserver.ns["ns1"]' 7d0a0a5b2c1e4f3a9b8c6d5e4f3a2b1c/ns1.partner-example.com
