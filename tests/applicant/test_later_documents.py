"""After submission the applicant may add supplements, insurance certificates and trial records, nothing else."""
import io

from sandbox.models import AuditEvent, Document
from sandbox.states import ApplicationState as S

from ..conftest import login
from ..factories import ApplicationFactory, MembershipFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(client, application, kind="insurance"):
    return client.post(f"/files/{application.id}/documents",
                       data={"kind": kind, "file": (io.BytesIO(PDF), "cover.pdf")},
                       content_type="multipart/form-data")


def test_insurance_certificate_can_be_added_after_approval(client, db):
    application = ApplicationFactory(state=S.approved)
    login(client, application.created_by)
    page = client.get(f"/files/{application.id}").get_data(as_text=True)
    assert "files/%d/documents" % application.id in page
    response = upload(client, application)
    assert response.status_code == 303
    document = db.session.query(Document).filter_by(application_id=application.id).one()
    assert document.kind == "insurance" and document.media_type == "application/pdf"
    assert db.session.query(AuditEvent).filter_by(action="document.uploaded",
                                                  application_id=application.id).count() == 1


def test_nothing_can_be_added_while_the_office_reviews(client, db):
    application = ApplicationFactory(state=S.expert_review)
    login(client, application.created_by)
    assert upload(client, application).status_code == 403
    assert db.session.query(Document).count() == 0


def test_another_organisation_cannot_add_documents(client, db):
    application = ApplicationFactory(state=S.approved)
    login(client, MembershipFactory().user)
    assert upload(client, application).status_code == 403
    assert application.documents == []


def test_a_kind_that_belongs_to_the_application_is_refused(client, db):
    application = ApplicationFactory(state=S.approved)
    login(client, application.created_by)
    response = upload(client, application, kind="business_plan")
    assert response.status_code == 303
    assert db.session.query(Document).count() == 0
