from .models import ClaimMapping, SignInIdentity


def claim_values(claims: dict, claim: str) -> set[str]:
    """A claim's values: providers send a group claim as a list, some a single string."""
    value = claims.get(claim)
    if value is None:
        return set()
    if isinstance(value, list | tuple):
        return {str(v) for v in value}
    return {str(value)}


def claim_mappings_for(*, issuer: str, claims: dict) -> list[ClaimMapping]:
    """The mappings the person's claims match, from their identity provider only."""
    return [
        mapping
        for mapping in ClaimMapping.objects.filter(issuer=issuer).select_related("organisation")
        if mapping.value in claim_values(claims, mapping.claim)
    ]


def identity_of(*, issuer: str, subject: str) -> SignInIdentity | None:
    return (
        SignInIdentity.objects.select_related("user__organisation")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
