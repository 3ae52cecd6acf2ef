from allauth.account.adapter import DefaultAccountAdapter


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """Accounts come from invitations or from an admin: there is no open sign-up."""

    def is_open_for_signup(self, request):
        return False
