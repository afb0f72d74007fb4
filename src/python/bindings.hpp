#pragma once

#include <pybind11/pybind11.h>

namespace finml::python {

void BindMarketData(pybind11::module_& m);  // read_prices, features
void BindRisk(pybind11::module_& m);        // GARCH fits
void BindText(pybind11::module_& m);        // word vectors' neighbours

}  // namespace finml::python
