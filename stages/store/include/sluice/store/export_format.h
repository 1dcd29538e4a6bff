// The export format: one JSON object per stored document, as `sluice export --jsonl` writes it
// and `sluice show --json` prints it. It is a published interface, documented field by field in
// stages/store/README.md and versioned by its "schema" field: fields may be added within a
// version, never removed, renamed or retyped.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "sluice/json.h"
#include "sluice/store/document_store.h"

namespace sluice::store {

inline constexpr const char* kExportSchema = "sluice.export.v1";

// The export object of `doc`; its previous versions are included only when `with_versions`.
Json ExportJson(const StoredDocument& doc, bool with_versions);

// Labels as the export writes them: [{axis, value, score, classifier}].
Json LabelsToJson(const std::vector<StoredLabel>& labels);

// Attachments as the export (and the versions table) write them: [{name, url, type, size, sha256}].
Json AttachmentsToJson(const std::vector<StoredAttachment>& attachments);

// Unix microseconds as RFC 3339 UTC with microseconds ("2026-01-23T14:55:00.000000Z"), "" for 0.
std::string FormatTimeUs(int64_t us);

}  // namespace sluice::store
