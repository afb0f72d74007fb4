#pragma once

#include <pybind11/pybind11.h>

namespace finml::python {

// Translates finml::Error and its kinds into finml.errors' classes for every binding.
void RegisterErrors(pybind11::module_& m);

}  // namespace finml::python
