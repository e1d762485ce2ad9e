# Import a service user by its email. Its API key is read from the
# environment, never from the import id, so that it is not printed.
CFTENANT_SERVICE_USER_API_KEY="<the service user's API key>" \
  terraform import cftenant_service_user.customer svc-example-customer@partner.example
