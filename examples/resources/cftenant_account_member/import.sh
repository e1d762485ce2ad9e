# Import a membership by `<account_id>/<member_id>`.
terraform import cftenant_account_member.admin 023e105f4ecef8ad9ca31a8372d0c353/4536bcfad5faccb111b47003c79917fa
