// The one table of VaR methods finml knows. Add a method here and in its own file under
// var_methods/, nowhere else.
#include <functional>

#include "finml/core/names.hpp"
#include "var_methods/methods.hpp"

namespace finml::risk {
namespace {

using Factory = std::function<std::unique_ptr<VarEngine>(const VarOptions&, std::size_t)>;

struct Entry {
  VarMethodInfo info;
  Factory make;
};

const std::vector<Entry>& Table() {
  using namespace var_methods;
  static const std::vector<Entry> kTable = {
      {{"historical", "empirical quantile of the window", 20},
       [](const VarOptions&, std::size_t) { return MakeHistorical(); }},
      {{"normal", "window mean and standard deviation", 20},
       [](const VarOptions&, std::size_t) { return MakeNormal(); }},
      {{"student_t", "location-scale Student-t fitted to the window by maximum likelihood", 20},
       [](const VarOptions&, std::size_t) { return MakeStudentT(); }},
      {{"cornish_fisher", "normal quantile adjusted for skewness and excess kurtosis", 20},
       [](const VarOptions&, std::size_t) { return MakeCornishFisher(); }},
      {{"monte_carlo", "simulated from a GARCH(1,1)-t fitted to the window", 100},
       [](const VarOptions& o, std::size_t refit) { return MakeMonteCarlo(o, refit); }},
      {{"fhs",
        "filtered historical simulation: GARCH(1,1) volatility times bootstrapped "
        "standardised residuals",
        100},
       [](const VarOptions& o, std::size_t refit) { return MakeFilteredHistorical(o, refit); }},
      {{"ewma", "RiskMetrics: EWMA variance (lambda), zero mean, normal quantile", 20},
       [](const VarOptions& o, std::size_t) { return MakeEwma(o); }},
      {{"garch", "GARCH(1,1)-normal conditional volatility, normal quantile", 100},
       [](const VarOptions&, std::size_t refit) { return MakeGarchNormal(refit); }},
  };
  return kTable;
}

}  // namespace

const std::vector<VarMethodInfo>& VarMethods() {
  static const std::vector<VarMethodInfo> infos = [] {
    std::vector<VarMethodInfo> out;
    for (const auto& e : Table()) out.push_back(e.info);
    return out;
  }();
  return infos;
}

std::vector<std::string> VarMethodNames() { return EntryNames(VarMethods()); }

const VarMethodInfo& FindVarMethod(const std::string& name) {
  return FindEntry(VarMethods(), name, "VaR method");
}

std::unique_ptr<VarEngine> MakeVarEngine(const std::string& method, const VarOptions& options,
                                         std::size_t refit_every) {
  for (const auto& e : Table())
    if (e.info.name == method) return e.make(options, refit_every);
  (void)FindVarMethod(method);  // throws with the valid names
  return nullptr;
}

}  // namespace finml::risk
