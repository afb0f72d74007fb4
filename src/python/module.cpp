// The finml._finml extension: the command line, market data, features and GARCH, for the
// pure-Python layer in finml/ (which turns these into DataFrames).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "../cli/app.hpp"
#include "bindings.hpp"
#include "errors.hpp"
#include "finml/core/build_info.hpp"
#include "interruptible.hpp"

namespace py = pybind11;

namespace {

// Any finml command, exactly as the binary runs it: arguments after the program name.
int Command(const std::vector<std::string>& args) {
  return finml::python::CallInterruptibly([&] {
    std::vector<std::string> words{"finml"};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    return finml::cli::RunCommandLine(static_cast<int>(words.size()), argv.data(),
                                      finml::cli::CommandErrors::kThrow);
  });
}

}  // namespace

PYBIND11_MODULE(_finml, m) {
  m.doc() = "finml's native core; use the finml package, not this module";
  finml::python::RegisterErrors(m);
  m.attr("__version__") = std::string(finml::Version());
  m.def("command", &Command, py::arg("args"),
        "Runs a finml command line (the words after `finml`) in this process; returns its exit "
        "code and raises finml.Error on a mistake.");
  finml::python::BindMarketData(m);
  finml::python::BindRisk(m);
  finml::python::BindText(m);
}
