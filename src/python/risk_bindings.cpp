// GARCH-family fits for Python: the same FitGarch the `risk garch` command calls.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <nlohmann/json.hpp>

#include "arrays.hpp"
#include "bindings.hpp"
#include "finml/core/names.hpp"
#include "finml/risk/garch.hpp"
#include "interruptible.hpp"

namespace finml::python {
namespace py = pybind11;

void BindRisk(py::module_& m) {
  using risk::GarchFit;
  py::class_<GarchFit>(m, "GarchFit", "a fitted GARCH-family model (use finml.risk.garch)")
      .def_property_readonly("model", [](const GarchFit& f) { return EnumName(f.spec.model); })
      .def_property_readonly("dist", [](const GarchFit& f) { return EnumName(f.spec.dist); })
      .def_readonly("names", &GarchFit::names)
      .def_readonly("values", &GarchFit::params)
      .def_readonly("se_robust", &GarchFit::se_robust)
      .def_readonly("se_hessian", &GarchFit::se_hessian)
      .def_readonly("boundary", &GarchFit::boundary)
      .def_readonly("loglik", &GarchFit::loglik)
      .def_readonly("aic", &GarchFit::aic)
      .def_readonly("bic", &GarchFit::bic)
      .def_readonly("n", &GarchFit::n)
      .def_readonly("converged", &GarchFit::converged)
      .def_readonly("iterations", &GarchFit::iterations)
      .def_readonly("message", &GarchFit::message)
      .def_readonly("next_variance", &GarchFit::next_variance)
      .def_property_readonly(
          "sigma2", [](const GarchFit& f) { return ToArray(std::vector<double>(f.sigma2)); })
      .def_property_readonly(
          "residuals", [](const GarchFit& f) { return ToArray(std::vector<double>(f.residuals)); })
      .def(
          "forecast_variance",
          [](const GarchFit& f, std::size_t horizon, std::uint64_t seed) {
            return ToArray(
                CallInterruptibly([&] { return risk::ForecastVariance(f, horizon, seed); }));
          },
          py::arg("horizon"), py::arg("seed") = 42, "conditional variances sigma2_{T+1..T+horizon}")
      .def("to_json", [](const GarchFit& f) { return risk::GarchFitJson(f).dump(); });

  m.def(
      "garch",
      [](const py::array_t<double, py::array::c_style | py::array::forcecast>& returns,
         const std::string& model, const std::string& dist, bool stationary, bool standard_errors) {
        risk::GarchSpec spec;
        spec.model = ParseEnum<risk::VolatilityModel>(model);
        spec.dist = ParseEnum<risk::Innovations>(dist);
        spec.stationary = stationary;
        std::vector<double> r = ToVector(returns);
        return CallInterruptibly([&] {
          return risk::FitGarch(r, spec, risk::GarchFitOptions{.standard_errors = standard_errors});
        });
      },
      py::arg("returns"), py::arg("model") = "garch", py::arg("dist") = "normal",
      py::arg("stationary") = true, py::arg("standard_errors") = true);
}

}  // namespace finml::python
