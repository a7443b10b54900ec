#include "api/object_meta.h"

namespace drs::api {

void ReadObjectMeta(ObjectReader& object, ObjectMeta& out) {
  ObjectReader meta = object.Object("metadata");
  meta.String("name", out.name);
  meta.String("namespace", out.ns);
  meta.String("uid", out.uid);
  meta.String("resourceVersion", out.resource_version);
  meta.Int64("generation", out.generation);
  meta.StringList("finalizers", out.finalizers);
  out.being_deleted = meta.Has("deletionTimestamp");
  meta.StringMap("labels", out.labels);
  meta.StringMap("annotations", out.annotations);
}

}  // namespace drs::api
