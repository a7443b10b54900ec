#pragma once
// Helpers for the transform tests: options of a typical Replication and
// expected outputs completed with their hash.
//
// Thread-safety: test-only helpers, used from one thread.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "kube/object.h"
#include "sync/desired_hash.h"
#include "sync/keys.h"
#include "sync/transform.h"

namespace drs::sync::testing {

// Replication dr-system/shop copies namespace "shop" of cluster "prod" to
// "shop-dr".
inline TransformOptions ShopOptions() {
  TransformOptions options;
  options.source_namespace = "shop";
  options.destination_namespace = "shop-dr";
  options.replication = "dr-system/shop";
  options.source_cluster = "prod";
  return options;
}

// The desired object of a successful transform; a failed one fails the test
// and yields an empty DesiredObject.
inline DesiredObject MustTransform(const nlohmann::json& source, const TransformOptions& options) {
  auto out = Transform(source, options);
  EXPECT_TRUE(out.ok()) << out.error();
  return out.ok() ? std::move(out).value() : DesiredObject();
}

// `expected` (written without the hash annotation) with its hash annotation,
// as Transform must return it.
inline nlohmann::json WithHash(nlohmann::json expected) {
  const std::string hash = DesiredHash(expected);
  EXPECT_TRUE(kube::SetAnnotation(expected, kDesiredHashAnnotation, hash).ok());
  return expected;
}

// Expects `out` to be exactly `expected` plus its hash annotation.
inline void ExpectDesired(const DesiredObject& out, const nlohmann::json& expected) {
  const nlohmann::json want = WithHash(expected);
  EXPECT_EQ(out.object, want) << "got:  " << out.object.dump(2) << "\nwant: " << want.dump(2);
  EXPECT_EQ(out.hash, DesiredHash(expected));
}

}  // namespace drs::sync::testing
