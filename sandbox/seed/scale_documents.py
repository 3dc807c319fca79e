"""A generated file's documents: the stored PDF and its upload event (shared by the stage builders)."""
PDF = b"%%PDF-1.4\n%%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%% sandbox generated %s %d\n%%%%EOF\n"


DOC_VARIANTS = 50


def document_row(life, kind, when, actor):
    sha256, size = life.batch.store_file(PDF % (kind.encode(), life.row["id"] % DOC_VARIANTS))
    document_id = life.id("documents")
    name = f"{kind}.pdf"
    life.documents.append(
        life.batch.add(
            "documents",
            {
                "id": document_id,
                "application_id": life.row["id"],
                "kind": kind,
                "original_name": name,
                "sha256": sha256,
                "size": size,
                "media_type": "application/pdf",
                "confidential": True,
                "uploaded_by_id": actor[0],
                "uploaded_at": when,
            },
        )
    )
    life.event(
        when,
        "document.uploaded",
        actor,
        ("document", document_id),
        data={"name": name, "sha256": sha256, "size": size, "media_type": "application/pdf", "kind": kind},
    )
    return document_id
