#include "kube/group_version.h"

#include "kube/hash.h"

namespace drs::kube {
namespace {

// DNS-1123 limits: a subdomain (API group) is at most 253 bytes, a label
// (version, resource) at most 63.
constexpr std::size_t kMaxSubdomainLength = 253;
constexpr std::size_t kMaxLabelLength = 63;

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// One DNS-1123 label: lowercase alphanumerics and '-', alphanumeric at both ends.
bool IsDnsLabel(std::string_view s) {
  if (s.empty() || s.size() > kMaxLabelLength) return false;
  if (!IsLowerAlnum(s.front()) || !IsLowerAlnum(s.back())) return false;
  for (char c : s) {
    if (!IsLowerAlnum(c) && c != '-') return false;
  }
  return true;
}

// A DNS-1123 subdomain: dot-separated labels.
bool IsDnsSubdomain(std::string_view s) {
  if (s.empty() || s.size() > kMaxSubdomainLength) return false;
  while (true) {
    const std::size_t dot = s.find('.');
    if (!IsDnsLabel(s.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    s.remove_prefix(dot + 1);
  }
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// RFC 3986 pchar minus '%': bytes that may appear unescaped in a path segment.
bool IsPathSafe(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  constexpr std::string_view kSafePunctuation = "-._~!$&'()*+,;=:@";
  return kSafePunctuation.find(c) != std::string_view::npos;
}

// Rejects what the API server refuses as a path segment name, percent-encodes
// anything else outside the path alphabet, and appends "/<segment>".
Status AppendSegment(std::string& path, std::string_view what, std::string_view segment) {
  if (segment.empty()) return InvalidError("empty " + std::string(what) + " in resource path");
  if (segment == "." || segment == "..") {
    return InvalidError("invalid " + std::string(what) + " " + Quote(segment) +
                        " in resource path: may not be '.' or '..'");
  }
  for (char c : segment) {
    if (c == '/' || c == '%') {
      return InvalidError("invalid " + std::string(what) + " " + Quote(segment) +
                          " in resource path: may not contain '" + std::string(1, c) + "'");
    }
  }
  constexpr std::string_view kHexDigits = "0123456789ABCDEF";
  constexpr unsigned kNibbleBits = 4;
  constexpr unsigned kNibbleMask = 0xF;
  path += '/';
  for (char c : segment) {
    if (IsPathSafe(c)) {
      path += c;
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    path += '%';
    path += kHexDigits[byte >> kNibbleBits];
    path += kHexDigits[byte & kNibbleMask];
  }
  return OkStatus();
}

}  // namespace

std::string GroupVersion::ToString() const { return ApiVersionString(*this); }

std::string GroupVersionKind::ToString() const {
  return ApiVersionString(group_version()) + ", Kind=" + kind;
}

std::string GroupVersionResource::ToString() const {
  return ApiVersionString(group_version()) + ", Resource=" + resource;
}

std::string GroupResource::ToString() const {
  return group.empty() ? resource : resource + "." + group;
}

Result<GroupVersion> ParseApiVersion(std::string_view api_version) {
  const std::size_t slash = api_version.find('/');
  GroupVersion gv;
  if (slash == std::string_view::npos) {
    gv.version = std::string(api_version);
  } else {
    gv.group = std::string(api_version.substr(0, slash));
    gv.version = std::string(api_version.substr(slash + 1));
    if (!IsDnsSubdomain(gv.group)) {
      return InvalidError("invalid apiVersion " + Quote(api_version) + ": group " +
                          Quote(gv.group) + " is not a lowercase DNS subdomain");
    }
  }
  if (!IsDnsLabel(gv.version)) {
    return InvalidError("invalid apiVersion " + Quote(api_version) + ": version " +
                        Quote(gv.version) + " is not a lowercase DNS label");
  }
  return gv;
}

std::string ApiVersionString(const GroupVersion& gv) {
  return gv.group.empty() ? gv.version : gv.group + "/" + gv.version;
}

Result<GroupResource> ParseGroupResource(std::string_view text) {
  const std::size_t dot = text.find('.');
  GroupResource gr;
  gr.resource = std::string(text.substr(0, dot));
  if (dot != std::string_view::npos) {
    gr.group = std::string(text.substr(dot + 1));
    if (!IsDnsSubdomain(gr.group)) {
      return InvalidError("invalid resource " + Quote(text) + ": group " + Quote(gr.group) +
                          " is not a lowercase DNS subdomain");
    }
  }
  if (!IsDnsLabel(gr.resource)) {
    return InvalidError("invalid resource " + Quote(text) + ": " + Quote(gr.resource) +
                        " is not a lowercase resource name (use the plural, e.g. "
                        "\"deployments.apps\", not the kind)");
  }
  return gr;
}

Result<std::string> ResourcePath(const GroupVersionResource& gvr, std::string_view ns,
                                 std::string_view name, std::string_view subresource) {
  if (!subresource.empty() && name.empty()) {
    return InvalidError("subresource " + Quote(subresource) + " of " + gvr.ToString() +
                        " needs an object name");
  }
  std::string path;
  if (gvr.group.empty()) {
    path = "/api";
  } else {
    path = "/apis";
    DRS_RETURN_IF_ERROR(AppendSegment(path, "group", gvr.group));
  }
  DRS_RETURN_IF_ERROR(AppendSegment(path, "version", gvr.version));
  if (!ns.empty()) {
    path += "/namespaces";
    DRS_RETURN_IF_ERROR(AppendSegment(path, "namespace", ns));
  }
  DRS_RETURN_IF_ERROR(AppendSegment(path, "resource", gvr.resource));
  if (!name.empty()) DRS_RETURN_IF_ERROR(AppendSegment(path, "name", name));
  if (!subresource.empty()) DRS_RETURN_IF_ERROR(AppendSegment(path, "subresource", subresource));
  return path;
}

}  // namespace drs::kube

using drs::kube::internal::HashCombine;

std::size_t std::hash<drs::kube::GroupVersion>::operator()(
    const drs::kube::GroupVersion& gv) const noexcept {
  return HashCombine(HashCombine(0, gv.group), gv.version);
}

std::size_t std::hash<drs::kube::GroupVersionKind>::operator()(
    const drs::kube::GroupVersionKind& gvk) const noexcept {
  return HashCombine(HashCombine(HashCombine(0, gvk.group), gvk.version), gvk.kind);
}

std::size_t std::hash<drs::kube::GroupVersionResource>::operator()(
    const drs::kube::GroupVersionResource& gvr) const noexcept {
  return HashCombine(HashCombine(HashCombine(0, gvr.group), gvr.version), gvr.resource);
}

std::size_t std::hash<drs::kube::GroupResource>::operator()(
    const drs::kube::GroupResource& gr) const noexcept {
  return HashCombine(HashCombine(0, gr.group), gr.resource);
}
