#include "controller/datasync/mover_job.h"

#include <limits>

#include "api/duration.h"
#include "base/base64.h"
#include "base/rfc3339.h"
#include "base/tree_digest.h"
#include "controller/datasync/names.h"
#include "sshkeys/known_hosts.h"
#include "sync/keys.h"

namespace drs::controller::datasync {
namespace {

using nlohmann::json;

constexpr int kSecretFileMode = 0400;

json Labels(const MoverJobSettings& s) {
  return {{sync::kManagedByLabel, sync::kManagedByValue},
          {kComponentLabel, kComponentMover},
          {sync::kReplicationLabel, LabelValue(s.replication)},
          {kClaimLabel, LabelValue(s.claim)},
          {kRunLabel, std::to_string(s.run)}};
}

std::string File(std::string_view name) {
  return std::string(kMoverSecretDir) + "/" + std::string(name);
}

json Container(const MoverJobSettings& s) {
  std::vector<std::string> args = MoverArgs(s);
  // rsync as root keeps owners and modes: chown, writing and stamping
  // files whatever their mode, keeping setuid/setgid bits.
  json security = {
      {"runAsUser", 0},
      {"allowPrivilegeEscalation", false},
      {"readOnlyRootFilesystem", true},
      {"capabilities",
       {{"drop", json::array({"ALL"})}, {"add", {"CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID"}}}},
      {"seccompProfile", {{"type", "RuntimeDefault"}}}};
  return {{"name", "mover"},
          {"image", s.image},
          {"imagePullPolicy", "IfNotPresent"},
          {"command", json::array({kAgentBinary})},
          {"args", args},
          {"terminationMessagePath", kTerminationLog},
          {"terminationMessagePolicy", "FallbackToLogsOnError"},
          {"securityContext", std::move(security)},
          {"volumeMounts",
           {{{"name", "data"}, {"mountPath", kMoverDataDir}},
            {{"name", "ssh"}, {"mountPath", kMoverSecretDir}, {"readOnly", true}},
            {{"name", "tmp"}, {"mountPath", "/tmp"}}}}};
}

}  // namespace

std::string MoverJobName(std::string_view replication, std::string_view source_ns,
                         std::string_view claim, std::int64_t run) {
  const std::string suffix = "-" + std::to_string(run);
  const auto slash = replication.find('/');
  const std::string name(slash == std::string_view::npos ? replication
                                                         : replication.substr(slash + 1));
  const std::string readable = name + "-" + std::string(claim);
  if (IsDnsLabel(readable + suffix)) return readable + suffix;
  const std::string identity =
      std::string(replication) + "\n" + std::string(source_ns) + "\n" + std::string(claim);
  return HashedName(readable, identity, kMaxDnsLabel - suffix.size()) + suffix;
}

std::string MoverSelector(std::string_view replication) {
  return std::string(sync::kManagedByLabel) + "=" + std::string(sync::kManagedByValue) + "," +
         std::string(kComponentLabel) + "=" + std::string(kComponentMover) + "," +
         std::string(sync::kReplicationLabel) + "=" + LabelValue(replication);
}

std::vector<std::string> MoverArgs(const MoverJobSettings& s) {
  const auto& c = s.config;
  std::vector<std::string> args = {"pull",
                                   "--host=" + s.endpoint.address,
                                   "--port=" + std::to_string(s.ssh_port),
                                   "--user=" + std::string(kAgentSshUser),
                                   "--path=pvc/" + s.source_ns + "/" + s.claim + "/",
                                   "--dest=" + std::string(kMoverDataDir),
                                   "--identity-file=" + File(kMoverIdentityFile),
                                   "--known-hosts-file=" + File(kMoverKnownHostsFile)};
  if (c.bandwidth_limit > 0) args.push_back("--bwlimit=" + std::to_string(c.bandwidth_limit));
  for (const auto& e : c.exclude_paths) args.push_back("--exclude=" + e);
  for (const auto& o : c.rsync_options) args.push_back("--rsync-option=" + o);
  args.push_back("--verification=" + std::string(api::VerificationModeName(c.verification_mode)));
  if (c.verification_mode == api::VerificationMode::kSample) {
    args.push_back("--sample-percent=" + std::to_string(c.sample_percent));
  }
  if (c.skip_unchanged) {
    args.push_back("--skip-unchanged");
    // Both or neither: a skip needs both trees to match, and a malformed
    // value (a hand-edited status) would be a usage error of every run.
    if (IsTreeDigestValue(s.previous_source_digest) &&
        IsTreeDigestValue(s.previous_destination_digest)) {
      args.push_back("--previous-source-digest=" + s.previous_source_digest);
      args.push_back("--previous-destination-digest=" + s.previous_destination_digest);
    }
  }
  args.push_back("--termination-log=" + std::string(kTerminationLog));
  args.push_back("--timeout=" + api::FormatDuration(c.timeout));
  return args;
}

json MoverJob(const MoverJobSettings& s) {
  const std::string name = MoverJobName(s.replication, s.source_ns, s.claim, s.run);
  const auto deadline =
      std::chrono::duration_cast<std::chrono::seconds>(s.config.timeout) + kMoverDeadlineGrace;
  json annotations = {{kClaimAnnotation, s.claim},
                      {kAttemptAnnotation, std::to_string(s.attempt)},
                      {kCreatedAtAnnotation, FormatRfc3339(s.created_at)},
                      {kKeyIdAnnotation, s.key_id},
                      {kSourceNodeAnnotation, s.endpoint.node},
                      {sync::kSourceAnnotation, s.source_ns + "/" + s.claim}};
  json pod_spec = {
      {"restartPolicy", "Never"},
      {"automountServiceAccountToken", false},
      {"enableServiceLinks", false},
      {"containers", json::array({Container(s)})},
      {"volumes",
       {{{"name", "data"}, {"persistentVolumeClaim", {{"claimName", s.claim}}}},
        {{"name", "ssh"}, {"secret", {{"secretName", name}, {"defaultMode", kSecretFileMode}}}},
        {{"name", "tmp"}, {"emptyDir", json::object()}}}}};
  return {{"apiVersion", "batch/v1"},
          {"kind", "Job"},
          {"metadata",
           {{"name", name},
            {"namespace", s.destination_ns},
            {"labels", Labels(s)},
            {"annotations", std::move(annotations)}}},
          {"spec",
           {{"suspend", true},
            {"backoffLimit", 0},
            {"activeDeadlineSeconds", deadline.count()},
            {"ttlSecondsAfterFinished", kMoverJobTtlSeconds},
            {"template",
             {{"metadata", {{"labels", Labels(s)}, {"annotations", {{kClaimAnnotation, s.claim}}}}},
              {"spec", std::move(pod_spec)}}}}}};
}

Result<std::string> KnownHosts(std::string_view address, std::int32_t port,
                               const std::vector<std::string>& host_public_keys) {
  if (port <= 0 || port > std::numeric_limits<std::uint16_t>::max()) {
    return InvalidError("ssh port " + std::to_string(port) + " is out of range");
  }
  std::string out;
  for (const std::string& line : host_public_keys) {
    DRS_ASSIGN_OR_RETURN(auto key, sshkeys::ParsePublicKeyLine(line));
    DRS_ASSIGN_OR_RETURN(
        std::string pinned,
        sshkeys::FormatKnownHostsLine(address, static_cast<std::uint16_t>(port), key.key));
    out += pinned + "\n";
  }
  return out;
}

json MoverSecret(const MoverJobSettings& s, std::string_view job_uid,
                 const SecretBytes& private_key, std::string_view known_hosts) {
  const std::string name = MoverJobName(s.replication, s.source_ns, s.claim, s.run);
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata",
           {{"name", name},
            {"namespace", s.destination_ns},
            {"labels", Labels(s)},
            {"ownerReferences", json::array({{{"apiVersion", "batch/v1"},
                                              {"kind", "Job"},
                                              {"name", name},
                                              {"uid", job_uid},
                                              {"controller", true}}})}}},
          {"type", "Opaque"},
          {"data",
           {{kMoverIdentityFile, Base64Encode(private_key.reveal())},
            {kMoverKnownHostsFile, Base64Encode(known_hosts)}}}};
}

}  // namespace drs::controller::datasync
