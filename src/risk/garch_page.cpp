// The `risk garch` report: the fit, its volatility in annualised percent, and whether the
// standardised residuals look like the iid innovations the model assumes.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "finml/core/names.hpp"
#include "finml/report/format.hpp"
#include "finml/risk/diagnostics.hpp"
#include "report_pages.hpp"

namespace finml::risk {
namespace {

using report::Axis;
using report::Figure;
using report::Unit;

std::string ModelName(const GarchSpec& spec) {
  switch (spec.model) {
    case VolatilityModel::kGjr:
      return "GJR-GARCH(1,1)";
    case VolatilityModel::kEgarch:
      return "EGARCH(1,1)";
    default:
      return "GARCH(1,1)";
  }
}

// "daily", "weekly", or the bar itself ("1-hour bar")
std::string Adjective(const std::string& bar) {
  if (bar == "day") return "daily";
  if (bar == "week" || bar == "month") return bar + "ly";
  if (bar == "quarter") return "quarterly";
  return bar;
}

std::string DistName(const GarchFit& fit) {
  return fit.spec.dist == Innovations::kStudentT
             ? fmt::format("Student-t (nu = {})", report::Number(fit.Param("nu"), 3))
             : "normal";
}

// Annualised volatility (a ratio) of a variance in the series' own units.
struct Annualiser {
  double unit, per_year;
  [[nodiscard]] double operator()(double variance) const {
    return std::sqrt(variance * unit * unit * per_year);
  }
};

struct Diagnostics {
  ChiSquareTest lb10, lb20, lb_sq10, lb_sq20, arch5, arch10;
  std::vector<double> acf, acf_squared;
};

Diagnostics Diagnose(const std::vector<double>& z) {
  std::vector<double> z2(z);
  for (double& v : z2) v *= v;
  return {LjungBox(z, 10), LjungBox(z, 20), LjungBox(z2, 10),       LjungBox(z2, 20),
          ArchLm(z, 5),    ArchLm(z, 10),   Autocorrelation(z, 20), Autocorrelation(z2, 20)};
}

std::string Verdict(const GarchResult& r, const Diagnostics& d, const std::string& bar,
                    double vol_now, double vol_long) {
  const GarchFit& fit = r.fit;
  std::string text =
      fmt::format("{} with {} innovations {} {}'s {} returns ({} {}s); ", ModelName(fit.spec),
                  fit.spec.dist == Innovations::kStudentT ? "Student-t" : "normal",
                  fit.converged ? "fits" : "did not converge on", r.series.column, Adjective(bar),
                  report::Count(fit.n), bar);
  text += d.arch10.p_value >= 0.05
              ? fmt::format(
                    "no ARCH effect is left in the standardised residuals (ARCH-LM(10) "
                    "{})",
                    pages::PIs(d.arch10.p_value))
              : fmt::format(
                    "but an ARCH effect is left in the standardised residuals (ARCH-LM(10) "
                    "{}): the model misses part of the volatility clustering",
                    pages::PIs(d.arch10.p_value));
  if (d.lb10.p_value < 0.05)
    text += fmt::format(
        ", and the residuals are autocorrelated (Ljung-Box(10) {}), which "
        "the constant mean does not capture",
        pages::PIs(d.lb10.p_value));
  text +=
      fmt::format(". Volatility for the next {} is {} a year", bar, report::Percent(vol_now, 1));
  if (std::isfinite(vol_long))
    text += fmt::format(" against a long-run {}", report::Percent(vol_long, 1));
  return text + ".";
}

void FitSection(report::HtmlPage& page, const GarchResult& r, const Annualiser& annual,
                double long_run, const std::string& bar, const std::string& units) {
  const GarchFit& fit = r.fit;
  page.Heading("Fit");
  page.Paragraph(fmt::format(
      "Maximum likelihood over {} returns ({} .. {}): log-likelihood {}, AIC {}, BIC {}; the "
      "optimiser {} after {} iterations ({}). Standard errors: robust (Bollerslev-Wooldridge) and "
      "from the inverse Hessian.",
      report::Count(fit.n), r.series.label.front(), r.series.label.back(),
      report::Number(fit.loglik, 8), report::Number(fit.aic, 8), report::Number(fit.bic, 8),
      fit.converged ? "converged" : "did NOT converge", fit.iterations, fit.message));
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < fit.names.size(); ++i) {
    rows.push_back({fit.names[i], report::Number(fit.params[i], 6),
                    report::Number(fit.se_robust[i], 3),
                    report::Number(fit.params[i] / fit.se_robust[i], 3),
                    report::Number(fit.se_hessian[i], 3)});
  }
  page.Table({"parameter", "estimate", "robust s.e.", "t (robust)", "Hessian s.e."}, rows);
  const double a = fit.Param("alpha"), b = fit.Param("beta");
  const double g = fit.spec.model == VolatilityModel::kGjr ? fit.Param("gamma") : 0.0;
  const double persistence = fit.spec.model == VolatilityModel::kEgarch ? b : a + b + g / 2;
  page.KeyValues(
      {{"persistence",
        fmt::format("{}{}", report::Number(persistence, 4),
                    !std::isfinite(long_run) ? " (integrated: shocks do not fade within any sample)"
                    : persistence > 0
                        ? fmt::format(" (a shock halves in {} {}s)",
                                      report::Number(std::log(0.5) / std::log(persistence), 3), bar)
                        : "")},
       {"long-run volatility", std::isfinite(long_run)
                                   ? report::Percent(annual(long_run)) + " a year"
                                   : "none: persistence is 1 or too close to it"},
       {"volatility now",
        report::Percent(annual(fit.next_variance)) + " a year (next " + bar + ")"},
       {"annualised with", fmt::format("{} {}s a year", report::Number(annual.per_year, 4), bar)},
       {"returns read as", units}});
}

void VolatilitySection(report::HtmlPage& page, const GarchResult& r, const Annualiser& annual,
                       double long_run, const std::string& bar) {
  const ReturnSeries& s = r.series;
  const GarchFit& fit = r.fit;
  page.Heading("Volatility");
  std::vector<std::size_t> rows(s.values.size());
  for (std::size_t t = 0; t < rows.size(); ++t) rows[t] = t;
  const auto x = pages::RowsAxisValues(s, rows);
  std::vector<double> vol, ret, up, down;
  const double mu = std::isfinite(fit.Param("mu")) ? fit.Param("mu") : 0.0;  // zero-mean fits
  for (std::size_t t = 0; t < rows.size(); ++t) {
    vol.push_back(annual(fit.sigma2[t]));
    ret.push_back(s.values[t] * s.unit);
    // Around the fitted mean, where the model expects the return.
    up.push_back((mu + 2 * std::sqrt(fit.sigma2[t])) * s.unit);
    down.push_back((mu - 2 * std::sqrt(fit.sigma2[t])) * s.unit);
  }
  Figure v(fmt::format("Conditional volatility of {}, annualised", s.column), pages::RowsAxis(s),
           {"annualised", Unit::kPercent});
  v.Line("conditional volatility", x, vol);
  if (std::isfinite(long_run))
    v.HorizontalLine(annual(long_run), "long run " + report::Percent(annual(long_run), 1));
  if (s.calendar) v.RangeSlider();
  page.Chart(v);

  Figure b(fmt::format("{} returns and the model's ±2σ band (per {})", s.column, bar),
           pages::RowsAxis(s), {"return per " + bar, Unit::kPercent});
  b.Line("return", x, ret, pages::Style(1));
  b.Line("±2σ", x, up, pages::Style(1.5));
  b.Line("-2σ", x, down, pages::Style(1.5, false, "±2σ"));
  page.Chart(b);

  if (!r.forecast.empty()) {
    std::vector<double> steps, fvol;
    for (std::size_t h = 0; h < r.forecast.size(); ++h) {
      steps.push_back(static_cast<double>(h + 1));
      fvol.push_back(annual(r.forecast[h]));
    }
    Figure f("Volatility forecast, annualised", {bar + "s ahead", Unit::kCount},
             {"annualised", Unit::kPercent});
    if (r.forecast.size() == 1)
      f.Markers("forecast volatility", steps, fvol);
    else
      f.Line("forecast volatility", steps, fvol);
    if (std::isfinite(long_run))
      f.HorizontalLine(annual(long_run), "long run " + report::Percent(annual(long_run), 1));
    f.Height(320);
    page.Chart(f);
  }
}

void DiagnosticsSection(report::HtmlPage& page, const GarchResult& r, const Diagnostics& d) {
  const GarchFit& fit = r.fit;
  page.Heading("Are the residuals iid?");
  page.Paragraph(
      "If the model is right, the standardised residuals z = (r - mu) / sigma are independent "
      "draws from the innovation distribution: no autocorrelation in z (the mean is right) nor "
      "in z² (the volatility dynamics are right). Small p-values (below 0.05) say something is "
      "left.");
  auto row = [](const std::string& test, const std::string& on, const ChiSquareTest& t) {
    return std::vector<std::string>{test,
                                    on,
                                    report::Number(t.statistic, 4),
                                    std::to_string(t.df),
                                    pages::PValue(t.p_value),
                                    t.p_value < 0.05 ? "left" : "none found"};
  };
  page.Table(
      {"test", "on", "statistic", "degrees of freedom", "p-value", "structure"},
      {row("Ljung-Box Q(10)", "z", d.lb10), row("Ljung-Box Q(20)", "z", d.lb20),
       row("Ljung-Box Q(10)", "z²", d.lb_sq10), row("Ljung-Box Q(20)", "z²", d.lb_sq20),
       row("ARCH-LM(5), LM = n·R²", "z", d.arch5), row("ARCH-LM(10), LM = n·R²", "z", d.arch10)});

  const double band = 1.96 / std::sqrt(static_cast<double>(fit.residuals.size()));
  std::vector<std::string> lags;
  for (int k = 1; k <= 20; ++k) lags.push_back(std::to_string(k));
  Figure acf("Autocorrelation of the standardised residuals and their squares",
             {"lag", Unit::kCategory}, {"autocorrelation", Unit::kNumber});
  acf.Bars("z", lags, pages::Rounded(d.acf, 4));
  acf.Bars("z²", lags, pages::Rounded(d.acf_squared, 4));
  acf.HorizontalLine(band, "±1.96/√n");
  acf.HorizontalLine(-band);
  page.Chart(acf);

  const auto qq = InnovationQq(fit);
  // Every point in the tails, where the distributions differ; a thinned middle keeps the page
  // light on long series.
  const std::size_t n = qq.sample.size(), tail = 250;
  const std::size_t step = n > 3000 ? n / 1500 : 1;
  std::vector<double> tx, sy;
  for (std::size_t i = 0; i < n; ++i) {
    if (i < tail || i + tail >= n || i % step == 0) {
      tx.push_back(qq.theoretical[i]);
      sy.push_back(qq.sample[i]);
    }
  }
  const double lo = std::min(tx.front(), sy.front()), hi = std::max(tx.back(), sy.back());
  Figure q(
      fmt::format("QQ plot of the standardised residuals against the fitted {}", DistName(fit)),
      {"quantile of the fitted " + DistName(fit), Unit::kNumber}, {"residual", Unit::kNumber});
  q.Markers("standardised residuals", pages::Rounded(tx, 5), pages::Rounded(sy, 5));
  q.Line("y = x", std::vector<double>{lo, hi}, {lo, hi}, pages::Style(1, true, "", true));
  // Equal scales on a square plot: the x range must not stretch to fill a wide page.
  const double pad = 0.05 * (hi - lo);
  q.SquareAxes();
  q.Layout({{"xaxis", {{"range", {lo - pad, hi + pad}}, {"constrain", "domain"}}},
            {"yaxis", {{"range", {lo - pad, hi + pad}}, {"constrain", "domain"}}}});
  q.Height(560);
  page.Chart(q);
}

void NewsImpactSection(report::HtmlPage& page, const GarchResult& r, const Annualiser& annual,
                       double long_run, const std::string& bar) {
  const GarchFit& fit = r.fit;
  const double s2 = std::isfinite(long_run) ? long_run : [&] {
    double m = 0;
    for (double v : fit.sigma2) m += v;
    return m / static_cast<double>(fit.sigma2.size());
  }();
  std::vector<double> shocks, x;
  for (int i = -100; i <= 100; ++i) {
    shocks.push_back(5 * std::sqrt(s2) * i / 100.0);
    x.push_back(shocks.back() * r.series.unit);
  }
  std::vector<double> vol;
  for (double v : NewsImpact(fit, shocks, s2)) vol.push_back(annual(v));
  page.Heading("News impact curve");
  page.Paragraph(fmt::format(
      "How the next {0}'s variance sigma²_t responds to today's shock e_(t-1) = r - mu, starting "
      "from the {1} variance (Engle and Ng, 1993); shown as annualised volatility, sqrt(sigma²_t x "
      "{2}). {3}",
      bar, std::isfinite(long_run) ? "long-run" : "average in-sample (the fit is not stationary)",
      report::Number(annual.per_year, 4),
      fit.spec.model == VolatilityModel::kGarch
          ? "GARCH is symmetric: good and bad news of the same size move volatility alike."
          : "An asymmetric model: a fall and a rise of the same size move volatility "
            "differently."));
  Figure f(fmt::format("News impact curve of the fitted {}", ModelName(fit.spec)),
           {"shock e_(t-1), return less its mean", Unit::kPercent},
           {"volatility, annualised", Unit::kPercent});
  f.Line("news impact", x, vol);
  f.VerticalLine(0, "");
  f.Height(400);
  page.Chart(f);
}

}  // namespace

report::HtmlPage GarchPage(const GarchResult& r, const SeriesSource& source,
                           const GarchSettings& settings, const Provenance& provenance) {
  const ReturnSeries& s = r.series;
  const GarchFit& fit = r.fit;
  const std::string bar = BarUnit(s.time, s.calendar);
  const Annualiser annual{s.unit, PeriodsPerYear(s.time, s.calendar)};
  const double long_run = UnconditionalVariance(fit);
  const Diagnostics d = Diagnose(fit.residuals);

  report::HtmlPage page(fmt::format("{}, {} innovations: {} ({})", ModelName(fit.spec),
                                    DistName(fit), s.column, source.path));
  page.Verdict(Verdict(r, d, bar, annual(fit.next_variance), annual(long_run)));
  if (!fit.converged) page.Warning("the optimiser did not converge: " + fit.message);
  for (const auto& b : fit.boundary) page.Warning("the fit is on the boundary: " + b);
  FitSection(page, r, annual, long_run, bar, pages::UnitsFact(s, source));
  VolatilitySection(page, r, annual, long_run, bar);
  DiagnosticsSection(page, r, d);
  NewsImpactSection(page, r, annual, long_run, bar);
  page.Provenance(
      provenance,
      {{"model", fmt::format("{}-{}", EnumName(settings.spec.model), EnumName(settings.spec.dist))},
       {"data", source.path},
       {"column", s.column},
       {"forecast", fmt::format("{} {}s", settings.forecast, bar)}});
  return page;
}

}  // namespace finml::risk
