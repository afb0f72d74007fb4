#include "finml/portfolio/allocation.hpp"

#include <glpk.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <optional>

#include "finml/core/error.hpp"

namespace finml::portfolio {
namespace {

using Clock = std::chrono::steady_clock;

// Share counts stay exact in a double (2^53) and in long long, with room to sum them.
constexpr double kMaxShares = 1e15;
// A billionth of a share: weights and prices in decimals make w V / p land a hair under a whole
// number (0.3 x 100 / 10 = 2.9999999999999996), which is noise, not a reason to hold one less.
constexpr double kShareSlack = 1e-9;

// One side of the portfolio, allocated on its own: the long-only portfolio, or the long or the
// short book of a long-short one (the shorts by magnitude).
struct Book {
  std::vector<Eigen::Index> assets;
  std::vector<double> weights, prices;
  double value = 0;
};

struct BookAllocation {
  std::vector<long long> shares;
  double leftover = 0;
  bool optimal = true;
};

double Spent(const Book& book, const std::vector<long long>& shares) {
  double spent = 0;
  for (std::size_t k = 0; k < shares.size(); ++k)
    spent += static_cast<double>(shares[k]) * book.prices[k];
  return spent;
}

bool Affordable(double price, double available) { return price <= available + kShareSlack * price; }

BookAllocation Greedy(const Book& book) {
  const std::size_t n = book.assets.size();
  BookAllocation out{.shares = std::vector<long long>(n, 0)};
  // Largest weight first: it has the first claim on the cash in round one, and wins ties in two.
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return book.weights[a] > book.weights[b]; });

  double available = book.value;
  for (const std::size_t k : order) {
    const double target = std::floor(book.weights[k] * book.value / book.prices[k] + kShareSlack);
    // Only long-only weights summing past 1 can run out of cash here.
    const double affordable = std::floor(available / book.prices[k] + kShareSlack);
    const double shares = std::max(0.0, std::min(target, affordable));
    out.shares[k] = static_cast<long long>(shares);
    available -= shares * book.prices[k];
  }

  // Each asset gets at most one share here: it is bought only while below its target weight of
  // what is held, which never exceeds the book's value, and round one left it within one share
  // of that. So this loop runs at most n times.
  while (true) {
    const double held = Spent(book, out.shares);
    std::size_t best = n;
    double best_deficit = 0;
    for (const std::size_t k : order) {
      if (!Affordable(book.prices[k], available)) continue;
      const double current =
          held > 0 ? static_cast<double>(out.shares[k]) * book.prices[k] / held : 0.0;
      const double deficit = book.weights[k] - current;
      if (deficit > best_deficit) {
        best = k;
        best_deficit = deficit;
      }
    }
    if (best == n) break;
    ++out.shares[best];
    available -= book.prices[best];
  }
  out.leftover = std::max(0.0, book.value - Spent(book, out.shares));
  out.optimal = false;
  return out;
}

struct ProblemDeleter {
  void operator()(glp_prob* p) const { glp_delete_prob(p); }
};

// GLPK's terminal output is per thread and global to it: switched off for the solve only.
class QuietGlpk {
 public:
  QuietGlpk() : previous_(glp_term_out(GLP_OFF)) {}
  ~QuietGlpk() { glp_term_out(previous_); }
  QuietGlpk(const QuietGlpk&) = delete;
  QuietGlpk& operator=(const QuietGlpk&) = delete;

 private:
  int previous_;
};

// What lp_portfolio minimises, in dollars: cash left plus every holding's distance from target.
double LpObjective(const Book& book, const std::vector<long long>& shares) {
  double objective = book.value - Spent(book, shares);
  for (std::size_t k = 0; k < shares.size(); ++k)
    objective +=
        std::fabs(book.weights[k] * book.value - static_cast<double>(shares[k]) * book.prices[k]);
  return objective;
}

// GLPK's answer, or nothing when the time limit came before any integer solution.
std::optional<BookAllocation> SolveInteger(const Book& book, Clock::time_point deadline) {
  const int n = static_cast<int>(book.assets.size());
  // Written as x_i = f_i + y_i with f_i = floor(w_i V / p_i), the programme is about the last
  // share or so of each asset: every term is of the order of a price, whatever V is. In x itself
  // the objective is a small difference of V-sized terms, below GLPK's relative tolerances once
  // V is large (at V = 1e9 it returned a worse allocation than greedy's and called it optimal).
  // With e_i = w_i V - f_i p_i and R = V - sum f_i p_i the cash that rounding down leaves:
  //   minimise sum u_i - p'y  (the objective less the constant R)
  //   subject to u_i >= |e_i - p_i y_i|, p'y <= R, y_i integer in [-f_i, c_i].
  // A share beyond ceil(w_i V / p_i) moves p_i from cash into overshoot and cannot improve the
  // objective, so c_i = ceil - floor (0 or 1) keeps an optimum and shrinks the search to about
  // one share per asset; y_i goes negative only when the weights sum past 1.
  std::vector<double> base(static_cast<std::size_t>(n)), excess(base.size());
  double cash = book.value;
  for (std::size_t k = 0; k < base.size(); ++k) {
    base[k] = std::floor(book.weights[k] * book.value / book.prices[k]);
    excess[k] = book.weights[k] * book.value - base[k] * book.prices[k];
    cash -= base[k] * book.prices[k];
  }

  const QuietGlpk quiet;
  const std::unique_ptr<glp_prob, ProblemDeleter> problem(glp_create_prob());
  glp_prob* lp = problem.get();
  glp_set_obj_dir(lp, GLP_MIN);
  // Columns y_1..y_n, u_1..u_n; rows: i and n + i bound u_i, 2n + 1 is the budget.
  glp_add_cols(lp, 2 * n);
  glp_add_rows(lp, 2 * n + 1);
  const int budget_row = 2 * n + 1;
  std::vector<int> ia{0}, ja{0};
  std::vector<double> ar{0};
  const auto entry = [&](int row, int col, double value) {
    ia.push_back(row);
    ja.push_back(col);
    ar.push_back(value);
  };
  for (int i = 1; i <= n; ++i) {
    const auto k = static_cast<std::size_t>(i - 1);
    const double price = book.prices[k];
    const double lower = -base[k];
    const double upper = std::ceil(book.weights[k] * book.value / price) - base[k];
    glp_set_col_kind(lp, i, GLP_IV);
    if (lower < upper)
      glp_set_col_bnds(lp, i, GLP_DB, lower, upper);
    else
      glp_set_col_bnds(lp, i, GLP_FX, upper, upper);
    glp_set_obj_coef(lp, i, -price);
    glp_set_col_bnds(lp, n + i, GLP_LO, 0, 0);
    glp_set_obj_coef(lp, n + i, 1);
    glp_set_row_bnds(lp, i, GLP_LO, excess[k], 0);
    glp_set_row_bnds(lp, n + i, GLP_LO, -excess[k], 0);
    entry(i, n + i, 1);
    entry(i, i, price);
    entry(n + i, n + i, 1);
    entry(n + i, i, -price);
    entry(budget_row, i, price);
  }
  glp_load_matrix(lp, static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());

  // GLPK keeps the budget only to its feasibility tolerance, which scales with the budget row,
  // so its shares can overspend by a hair. Then the budget is lowered and the problem solved
  // again, the cut doubling each time (within its tolerance GLPK may return the same shares):
  // only allocations that would have spent all but those hairs are lost.
  std::optional<BookAllocation> out;
  double cut = 0;
  for (int attempt = 0; attempt < 4; ++attempt) {
    glp_set_row_bnds(lp, budget_row, GLP_UP, 0, cash - cut);
    glp_iocp parm;
    glp_init_iocp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_ON;
    // The programme is a knapsack in disguise (buy the last share of asset i for p_i, gain 2 e_i),
    // and GLPK's branch and bound alone proved 50 random assets optimal only sometimes within
    // seconds; with these cuts it proves 100 in 0.1 s and 300 in seconds. Not cover cuts: GLPK
    // 5.0 aborts the process in them (glp_add_cols: ncs = 0) on some two-asset problems.
    parm.mir_cuts = GLP_ON;
    parm.gmi_cuts = GLP_ON;
    const double left_ms =
        std::chrono::duration<double, std::milli>(deadline - Clock::now()).count();
    parm.tm_lim = static_cast<int>(std::clamp(left_ms, 1.0, static_cast<double>(INT_MAX)));
    const int code = glp_intopt(lp, &parm);
    const int status = glp_mip_status(lp);
    if (status != GLP_OPT && status != GLP_FEAS) {
      if (code == GLP_ETMLIM) break;
      throw InternalError(fmt::format(
          "allocation: GLPK failed on the integer programme (glp_intopt code {}, status {})", code,
          status));
    }
    out = BookAllocation{.shares = std::vector<long long>(base.size(), 0),
                         .optimal = code == 0 && status == GLP_OPT};
    for (int i = 1; i <= n; ++i) {
      const auto k = static_cast<std::size_t>(i - 1);
      out->shares[k] = static_cast<long long>(base[k]) + std::llround(glp_mip_col_val(lp, i));
    }
    const double overspent = Spent(book, out->shares) - book.value;
    if (overspent <= 1e-12 * book.value) break;
    cut = 2 * (cut + std::max(overspent, 1e-7 * (1 + std::fabs(cash))));
  }
  if (!out) return std::nullopt;
  // Still over budget: give back the share whose loss costs the objective least, until within.
  while (Spent(book, out->shares) - book.value > 1e-12 * book.value) {
    std::size_t best = 0;
    double best_cost = std::numeric_limits<double>::infinity();
    const double before = LpObjective(book, out->shares);
    for (std::size_t k = 0; k < out->shares.size(); ++k) {
      if (out->shares[k] <= 0) continue;
      --out->shares[k];
      const double cost = LpObjective(book, out->shares) - before;
      ++out->shares[k];
      if (cost < best_cost) {
        best = k;
        best_cost = cost;
      }
    }
    --out->shares[best];
    out->optimal = false;
  }
  out->leftover = std::max(0.0, book.value - Spent(book, out->shares));
  return out;
}

// The greedy allocation is the incumbent: GLPK's replaces it when at least as good, so the
// integer programme never does worse than greedy, and a search that the time limit cut short
// (before any integer solution, possibly) still answers.
BookAllocation Integer(const Book& book, Clock::time_point deadline) {
  BookAllocation greedy = Greedy(book);
  if (book.assets.empty() || book.value <= 0) {
    greedy.optimal = true;
    return greedy;
  }
  const std::optional<BookAllocation> solved = SolveInteger(book, deadline);
  if (!solved) return greedy;
  if (LpObjective(book, greedy.shares) < LpObjective(book, solved->shares) - 1e-9 * book.value) {
    greedy.optimal = solved->optimal;
    return greedy;
  }
  return *solved;
}

}  // namespace

Allocation AllocateShares(const Vector& weights, const Vector& latest_prices,
                          double portfolio_value, const AllocationOptions& options) {
  const Eigen::Index n = weights.size();
  FINML_REQUIRE(n > 0, "allocation needs at least one asset's weight");
  FINML_REQUIRE(latest_prices.size() == n,
                "allocation: {} weights but {} latest prices (fix: one price per weight, in the "
                "same asset order)",
                n, latest_prices.size());
  FINML_REQUIRE(std::isfinite(portfolio_value) && portfolio_value > 0,
                "allocation: the portfolio value is {} (fix: a positive amount of cash to invest)",
                portfolio_value);
  for (Eigen::Index i = 0; i < n; ++i) {
    FINML_REQUIRE(std::isfinite(weights(i)),
                  "allocation: asset {} has weight {} (fix: finite weights; drop or zero the "
                  "asset)",
                  i, weights(i));
    FINML_REQUIRE(std::isfinite(latest_prices(i)) && latest_prices(i) > 0,
                  "allocation: asset {} has latest price {} (fix: a positive price for every "
                  "asset, e.g. its last valid close, or drop the asset)",
                  i, latest_prices(i));
  }
  FINML_REQUIRE(std::isfinite(options.time_limit_seconds) && options.time_limit_seconds > 0,
                "allocation: time limit {} s (fix: a positive number of seconds)",
                options.time_limit_seconds);

  double long_total = 0, short_total = 0;
  for (Eigen::Index i = 0; i < n; ++i)
    (weights(i) < 0 ? short_total : long_total) += std::fabs(weights(i));
  const bool long_short = short_total > 0;
  FINML_REQUIRE(long_short || long_total > 0,
                "allocation: every weight is zero, so there is nothing to buy (fix: weights from "
                "an optimiser, with at least one non-zero)");
  const double short_ratio = options.short_ratio.value_or(short_total);
  FINML_REQUIRE(std::isfinite(short_ratio) && short_ratio >= 0,
                "allocation: short ratio {} (fix: a non-negative fraction of the portfolio value, "
                "0.3 for 130/30)",
                short_ratio);
  const double short_value = long_short ? portfolio_value * short_ratio : 0.0;
  const double long_value = portfolio_value + (options.reinvest_shorts ? short_value : 0.0);
  FINML_REQUIRE(std::isfinite(short_value) && std::isfinite(long_value),
                "allocation: portfolio value {} with short ratio {} overflows", portfolio_value,
                short_ratio);

  Book longs{.value = long_value}, shorts{.value = short_value};
  for (Eigen::Index i = 0; i < n; ++i) {
    Book& book = weights(i) < 0 ? shorts : longs;
    // Long-only weights are the targets themselves; each book of a long-short portfolio is
    // scaled to sum to 1, as PyPortfolioOpt does.
    const double total = weights(i) < 0 ? short_total : long_total;
    const double w = std::fabs(weights(i));
    book.assets.push_back(i);
    book.weights.push_back(long_short && total > 0 ? w / total : w);
    book.prices.push_back(latest_prices(i));
    FINML_REQUIRE(book.value / latest_prices(i) <= kMaxShares,
                  "allocation: asset {} at price {} would take more than {:g} shares of a book "
                  "worth {} (fix: prices and portfolio value in the same currency unit)",
                  i, latest_prices(i), kMaxShares, book.value);
  }

  const auto deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(options.time_limit_seconds));
  Allocation out{.shares = std::vector<long long>(static_cast<std::size_t>(n), 0)};
  out.optimal = options.method == AllocationMethod::kInteger;
  std::vector<double> achieved(static_cast<std::size_t>(n), 0.0);
  for (const Book* book : {&longs, &shorts}) {
    if (book->assets.empty()) {
      out.leftover += book->value;
      continue;
    }
    const BookAllocation part =
        options.method == AllocationMethod::kGreedy ? Greedy(*book) : Integer(*book, deadline);
    out.leftover += part.leftover;
    out.optimal = out.optimal && part.optimal;
    const double sign = book == &shorts ? -1.0 : 1.0;
    const double held = Spent(*book, part.shares);
    double target_total = 0;
    for (const Eigen::Index i : book->assets) target_total += std::fabs(weights(i));
    for (std::size_t k = 0; k < book->assets.size(); ++k) {
      const auto i = static_cast<std::size_t>(book->assets[k]);
      out.shares[i] = static_cast<long long>(sign) * part.shares[k];
      if (held > 0)
        achieved[i] =
            sign * target_total * static_cast<double>(part.shares[k]) * book->prices[k] / held;
    }
  }
  double squared = 0;
  for (Eigen::Index i = 0; i < n; ++i)
    squared += std::pow(weights(i) - achieved[static_cast<std::size_t>(i)], 2);
  out.rmse = std::sqrt(squared / static_cast<double>(n));
  return out;
}

}  // namespace finml::portfolio
