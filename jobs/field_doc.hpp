#pragma once
/// A JSON field as /openapi.json documents it. The job field tables
/// (jobs/job_request.cpp, picture_fields.cpp, caption_fields.cpp) carry one
/// per row, beside the code that reads the field, so a field added there is
/// documented without a second list (api/openapi_document.hpp).

#include <nlohmann/json_fwd.hpp>

#include <vector>

namespace vs::jobs {

struct field_doc {
  const char* name = nullptr;
  /// JSON Schema of the value (2020-12, the dialect of OpenAPI 3.1) as JSON
  /// text, e.g. R"({"type": "integer", "minimum": 1})".
  const char* schema = nullptr;
  const char* description = nullptr;  ///< for API users: what it does, its unit, its default
};

/// The schema of one field: its JSON text parsed, with its description.
/// Throws std::logic_error naming the field if either is missing or the
/// text is not a JSON object: a table row to fix, found by the tests.
nlohmann::json field_schema(const field_doc& field);

/// {"type": "object", "properties": {...}, "additionalProperties": false}:
/// an object with these fields and no other (unknown fields are refused).
nlohmann::json closed_object_schema(const std::vector<field_doc>& fields);

} // namespace vs::jobs
