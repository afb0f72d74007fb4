// Isolation forest (Liu, Ting and Zhou 2008) as scikit-learn grows it: each tree on
// min(max_samples, n) records drawn without replacement, grown to depth ceil(log2(samples)); a
// node splits on a feature drawn at random among those not constant in it, at a threshold drawn
// uniformly between its minimum and maximum there. A record's path length is the depth of its
// leaf plus c(records in that leaf); its score 2^(-mean path length / c(samples)).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "anomaly/detectors.hpp"
#include "finml/core/error.hpp"

namespace finml::anomaly {
namespace {

// The average path length of an unsuccessful search in a binary search tree of n records.
double AveragePath(double n) {
  if (n <= 1) return 0;
  if (n <= 2) return 1;
  return 2 * (std::log(n - 1) + 0.5772156649015329) - 2 * (n - 1) / n;
}

struct Node {
  int feature = -1;  // -1: a leaf
  double threshold = 0;
  int left = -1, right = -1;
  double size = 0;  // records that reached it in training (leaves)
};

class IsolationForest final : public Detector {
 public:
  explicit IsolationForest(const DetectorSettings& s) : s_(s) {}

  Eigen::VectorXd Score(const Matrix& x) const override {
    FINML_REQUIRE(x.cols() == features_, "iforest: {} features where the model has {}", x.cols(),
                  features_);
    Eigen::VectorXd score(x.rows());
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
      double total = 0;
      for (const auto& tree : trees_) {
        int at = 0, depth = 0;
        while (tree[static_cast<std::size_t>(at)].feature >= 0) {
          const Node& n = tree[static_cast<std::size_t>(at)];
          at = x(r, n.feature) <= n.threshold ? n.left : n.right;
          ++depth;
        }
        total += depth + AveragePath(tree[static_cast<std::size_t>(at)].size);
      }
      score[r] = std::exp2(-total / static_cast<double>(trees_.size()) / AveragePath(samples_));
    }
    return score;
  }

  nlohmann::json State() const override {
    nlohmann::json trees = nlohmann::json::array();
    for (const auto& tree : trees_) {
      nlohmann::json nodes = nlohmann::json::array();
      for (const Node& n : tree) nodes.push_back({n.feature, n.threshold, n.left, n.right, n.size});
      trees.push_back(nodes);
    }
    return {{"features", features_}, {"samples", samples_}, {"trees", trees}};
  }
  void Load(const nlohmann::json& state) override {
    features_ = state.at("features").get<Eigen::Index>();
    samples_ = state.at("samples").get<double>();
    trees_.clear();
    for (const auto& tree : state.at("trees")) {
      std::vector<Node> nodes;
      for (const auto& n : tree)
        nodes.push_back({n.at(0).get<int>(), n.at(1).get<double>(), n.at(2).get<int>(),
                         n.at(3).get<int>(), n.at(4).get<double>()});
      // Children must point forward inside the tree: a damaged file cannot loop or overrun.
      for (std::size_t i = 0; i < nodes.size(); ++i) {
        const Node& n = nodes[i];
        FINML_REQUIRE(n.feature < 0 || (n.feature < features_ && n.left > static_cast<int>(i) &&
                                        n.right > static_cast<int>(i) &&
                                        n.left < static_cast<int>(nodes.size()) &&
                                        n.right < static_cast<int>(nodes.size())),
                      "iforest: node {} of a saved tree is malformed", i);
      }
      FINML_REQUIRE(!nodes.empty(), "iforest: a saved tree is empty");
      trees_.push_back(std::move(nodes));
    }
    FINML_REQUIRE(!trees_.empty() && samples_ >= 1, "iforest: no trees saved");
  }

 protected:
  void Learn(const Matrix& x) override {
    features_ = x.cols();
    const Eigen::Index n = x.rows();
    const Eigen::Index take = std::min<Eigen::Index>(s_.max_samples, n);
    samples_ = static_cast<double>(take);
    const int max_depth = static_cast<int>(std::ceil(std::log2(std::max<double>(2, samples_))));
    std::mt19937_64 rng(s_.seed);
    std::vector<Eigen::Index> rows(static_cast<std::size_t>(n));
    trees_.assign(static_cast<std::size_t>(s_.trees), {});
    for (auto& tree : trees_) {
      std::iota(rows.begin(), rows.end(), 0);
      // The first `take` of a partial shuffle: a sample without replacement.
      for (Eigen::Index i = 0; i < take; ++i) {
        std::uniform_int_distribution<Eigen::Index> pick(i, n - 1);
        std::swap(rows[static_cast<std::size_t>(i)], rows[static_cast<std::size_t>(pick(rng))]);
      }
      std::vector<Eigen::Index> sample(rows.begin(), rows.begin() + take);
      Grow(x, sample, 0, max_depth, tree, rng);
    }
  }

 private:
  int Grow(const Matrix& x, std::vector<Eigen::Index>& rows, int depth, int max_depth,
           std::vector<Node>& tree, std::mt19937_64& rng) {
    const int id = static_cast<int>(tree.size());
    tree.push_back({});
    tree.back().size = static_cast<double>(rows.size());
    if (depth >= max_depth || rows.size() <= 1) return id;
    // Features not constant in this node, drawn in random order until one splits.
    std::vector<int> candidates(static_cast<std::size_t>(features_));
    std::iota(candidates.begin(), candidates.end(), 0);
    std::shuffle(candidates.begin(), candidates.end(), rng);
    for (const int f : candidates) {
      double lo = x(rows[0], f), hi = lo;
      for (const auto r : rows) {
        lo = std::min(lo, x(r, f));
        hi = std::max(hi, x(r, f));
      }
      if (!(hi > lo)) continue;
      double threshold = std::uniform_real_distribution<double>(lo, hi)(rng);
      if (threshold >= hi) threshold = lo;  // keep both sides non-empty
      std::vector<Eigen::Index> left, right;
      for (const auto r : rows) (x(r, f) <= threshold ? left : right).push_back(r);
      const int l = Grow(x, left, depth + 1, max_depth, tree, rng);
      const int rr = Grow(x, right, depth + 1, max_depth, tree, rng);
      Node& node = tree[static_cast<std::size_t>(id)];
      node.feature = f;
      node.threshold = threshold;
      node.left = l;
      node.right = rr;
      return id;
    }
    return id;  // every feature constant: a leaf
  }

  DetectorSettings s_;
  Eigen::Index features_ = 0;
  double samples_ = 0;
  std::vector<std::vector<Node>> trees_;
};

}  // namespace

std::unique_ptr<Detector> MakeIsolationForest(const DetectorSettings& s) {
  return std::make_unique<IsolationForest>(s);
}

}  // namespace finml::anomaly
