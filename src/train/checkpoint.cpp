#include "finml/train/checkpoint.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cctype>
#include <utility>

namespace finml::train {
namespace {

CheckpointPlan g_plan;
std::atomic<std::int64_t> g_next_index{0};
thread_local std::string t_scope;
thread_local std::int64_t t_scope_index = 0;

std::string FileName(const std::string& text) {
  std::string name;
  for (const char c : text)
    name += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '-';
  return name.empty() ? "model" : name;
}

}  // namespace

void SetCheckpointPlan(CheckpointPlan plan) {
  g_plan = std::move(plan);
  g_next_index = 0;
}

const CheckpointPlan& CurrentCheckpointPlan() { return g_plan; }

std::string NextCheckpointFile(const std::string& label) {
  if (g_plan.directory.empty()) return {};
  if (!t_scope.empty())
    return fmt::format("{}/{}-{:03}-{}.pt", g_plan.directory, FileName(t_scope), t_scope_index++,
                       FileName(label));
  return fmt::format("{}/train-{:03}-{}.pt", g_plan.directory, g_next_index++, FileName(label));
}

CheckpointScope::CheckpointScope(std::string name)
    : previous_name_(t_scope), previous_index_(std::exchange(t_scope_index, 0)) {
  // Scopes nest: a search candidate's fold is "search c3 r1 fold 2 lstm".
  t_scope = t_scope.empty() ? std::move(name) : t_scope + " " + name;
}

CheckpointScope::~CheckpointScope() {
  t_scope = std::move(previous_name_);
  t_scope_index = previous_index_;
}

}  // namespace finml::train
