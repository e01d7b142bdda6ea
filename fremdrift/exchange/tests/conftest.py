import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from fremdrift.accounts.models import Organisation, Role
from fremdrift.testing import make_organisation, make_user

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "exchange-example"


@pytest.fixture
def fremby(db):
    """The organisations and users the example package names, and nothing else: an empty
    municipality ready for its first import."""
    jobcentre = make_organisation("Jobcenter Fremby")
    provider = make_organisation("Vækstværkstedet", Organisation.Kind.PROVIDER)
    return SimpleNamespace(
        jobcentre=jobcentre,
        provider=provider,
        caseworker=make_user("sagsbehandler", jobcentre, Role.CASEWORKER),
        administrator=make_user("admin", jobcentre, Role.ADMINISTRATOR),
        manager=make_user("analytiker", jobcentre, Role.MANAGER),
    )


@pytest.fixture
def example(tmp_path) -> Path:
    """A copy of the example package that a test may change."""
    return Path(shutil.copytree(EXAMPLE, tmp_path / "package"))
