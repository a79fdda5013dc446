#include "jobs/field_doc.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

namespace vs::jobs {

nlohmann::json field_schema(const field_doc& field) {
  const std::string name = field.name ? field.name : "(unnamed)";
  if (!field.schema || !field.description)
    throw std::logic_error("the field " + name + " has no " + (field.schema ? "description" : "schema") +
                           " in its table");
  nlohmann::json schema = nlohmann::json::parse(field.schema, nullptr, false);
  if (!schema.is_object())
    throw std::logic_error("the schema of the field " + name + " is not a JSON object: " + field.schema);
  schema["description"] = field.description;
  return schema;
}

nlohmann::json closed_object_schema(const std::vector<field_doc>& fields) {
  nlohmann::json properties = nlohmann::json::object();
  for (const auto& field : fields)
    properties[field.name] = field_schema(field);
  return {{"type", "object"}, {"properties", properties}, {"additionalProperties", false}};
}

} // namespace vs::jobs
