// Market data and features for Python: the CLI's loader and feature code, with arrays out.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "arrays.hpp"
#include "bindings.hpp"
#include "finml/core/config_node.hpp"
#include "finml/core/names.hpp"
#include "finml/data/loader.hpp"
#include "finml/features/feature_set.hpp"
#include "interruptible.hpp"

namespace finml::python {
namespace py = pybind11;

namespace {

// Load options arrive as the YAML/JSON text of an experiment's `data:` keys, so they are checked
// by the same declaration (and give the same messages) as a file's.
data::LoadOptions ParseLoadOptions(const std::string& options_text) {
  if (options_text.empty()) return {};
  return data::LoadOptions::Schema().Parse(ConfigNode::FromText(options_text, "load options"), "");
}

data::MarketData Load(const std::string& source, bool is_text, const std::string& label,
                      const data::LoadOptions& options) {
  return is_text ? data::ParseMarketData(source, label, options)
                 : data::LoadMarketData(source, options);
}

// The time axis every result carries: the dates (numpy, no copy) or the file's own labels.
void AddTime(py::dict& out, data::MarketData& md) {
  out["calendar"] = md.calendar;
  out["time"] = ToArray(std::move(md.time));
  out["time_label"] = md.time_label;
}

py::dict MarketDataDict(data::MarketData&& md) {
  py::dict out;
  out["source"] = md.source;
  out["shape"] = std::string(EnumName(md.shape));
  out["zone"] = md.zone;
  AddTime(out, md);
  py::list assets;
  for (auto& bars : md.assets) {
    py::dict fields;
    for (const auto& [field, name] : EnumNames<data::Field>::values) {
      auto& values = bars.Get(field);
      if (!values.empty() && !fields.contains(name.data()))
        fields[py::str(name.data(), name.size())] = ToArray(std::move(values));
    }
    assets.append(py::make_tuple(bars.symbol, fields));
  }
  out["assets"] = assets;
  py::list repairs;
  for (const auto& r : md.repairs) repairs.append(py::make_tuple(r.what, r.count));
  out["repairs"] = repairs;
  out["warnings"] = md.warnings;
  out["notes"] = md.notes;
  return out;
}

}  // namespace

void BindMarketData(py::module_& m) {
  m.def(
      "read_prices",
      [](const std::string& source, bool is_text, const std::string& label,
         const std::string& options_text) {
        const auto options = ParseLoadOptions(options_text);
        auto md = CallInterruptibly([&] { return Load(source, is_text, label, options); });
        return MarketDataDict(std::move(md));
      },
      py::arg("source"), py::arg("is_text"), py::arg("label"), py::arg("options") = "",
      "Market data from a CSV path (or CSV text when is_text), validated as the CLI does.");
  m.def(
      "features",
      [](const std::string& source, bool is_text, const std::string& label,
         const std::string& options_text, const std::string& set_name,
         const std::vector<std::string>& include, const std::string& price) {
        const auto options = ParseLoadOptions(options_text);
        const auto field = ParseEnum<data::Field>(price);
        auto [md, tables] = CallInterruptibly([&] {
          auto md = Load(source, is_text, label, options);
          auto tables = features::ComputeFeaturesOfAssets(md, set_name, include, field, "include");
          return std::make_pair(std::move(md), std::move(tables));
        });
        py::list per_asset;
        for (std::size_t a = 0; a < tables.size(); ++a) {
          py::list columns;
          for (std::size_t c = 0; c < tables[a].names.size(); ++c)
            columns.append(
                py::make_tuple(tables[a].names[c], ToArray(std::move(tables[a].columns[c]))));
          per_asset.append(py::make_tuple(md.assets[a].symbol, columns));
        }
        py::dict out;
        AddTime(out, md);
        out["assets"] = per_asset;
        return out;
      },
      py::arg("source"), py::arg("is_text"), py::arg("label"), py::arg("options"), py::arg("set"),
      py::arg("include"), py::arg("price"), "The features command's indicator columns per asset.");
}

}  // namespace finml::python
