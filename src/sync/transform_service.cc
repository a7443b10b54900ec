// Services and Ingresses (transform.h): what the DR cluster allocates for
// itself is left to it; addresses of the primary site are not claimed.
#include <string>

#include "kube/object.h"
#include "sync/json_util.h"
#include "sync/transform_internal.h"

namespace drs::sync::internal {
namespace {

using nlohmann::json;

constexpr std::string_view kHeadless = "None";
constexpr std::string_view kIngressClassAnnotation = "kubernetes.io/ingress.class";

bool IsHeadless(const json& spec) { return StringAt(spec, "clusterIP") == kHeadless; }

}  // namespace

Status TransformService(json& desired, const TransformOptions& options) {
  json* spec = FindObject(desired, "spec");
  if (spec == nullptr) return OkStatus();  // nothing allocated, nothing to drop
  if (!IsHeadless(*spec)) {
    spec->erase("clusterIP");
    spec->erase("clusterIPs");
  }
  // Which families exist differs between clusters (an IPv6-only DR site
  // rejects ["IPv4"]); the API server fills them from ipFamilyPolicy.
  spec->erase("ipFamilies");
  if (!options.preserve_node_ports) {
    spec->erase("healthCheckNodePort");
    if (json* ports = FindArray(*spec, "ports")) {
      for (json& port : *ports) Erase(port, "nodePort");
    }
  }
  if (!options.preserve_load_balancer_ip) spec->erase("loadBalancerIP");
  return OkStatus();
}

Status TransformIngress(json& desired, const TransformOptions& options) {
  if (!options.preserve_ingress_annotations) Erase(desired["metadata"], "annotations");
  json* spec = FindObject(desired, "spec");
  if (!options.preserve_ingress_tls && spec != nullptr) spec->erase("tls");
  if (!options.preserve_ingress_class) {
    if (spec != nullptr) spec->erase("ingressClassName");
    kube::RemoveAnnotation(desired, kIngressClassAnnotation);
  }
  return OkStatus();
}

}  // namespace drs::sync::internal
