// finml's errors as the Python exceptions of finml.errors, with the same messages.
#include "errors.hpp"

#include "finml/core/error.hpp"

namespace finml::python {
namespace py = pybind11;

namespace {

// A translator sets the Python error and returns; it must not throw.
void Raise(const char* type, const std::string& message) {
  py::object cls = py::module_::import("finml.errors").attr(type);
  PyErr_SetObject(cls.ptr(), py::str(message).ptr());
}

}  // namespace

void RegisterErrors(py::module_& m) {
  py::register_exception_translator([](std::exception_ptr p) {
    if (!p) return;
    // Anything else propagates to pybind11's own translators.
    try {
      std::rethrow_exception(p);
    } catch (const DataError& e) {
      py::object cls = py::module_::import("finml.errors").attr("DataError");
      py::object error = cls(e.what(), e.where().file, e.where().line, e.where().column);
      PyErr_SetObject(cls.ptr(), error.ptr());
    } catch (const Error& e) {
      switch (e.kind()) {
        case ErrorKind::kInvalidInput:
          return Raise("InvalidInputError", e.what());
        case ErrorKind::kIo:
          return Raise("IoError", e.what());
        case ErrorKind::kConfig:
          return Raise("ConfigError", e.what());
        case ErrorKind::kCancelled:
          return PyErr_SetNone(PyExc_KeyboardInterrupt);
        default:
          return Raise("InternalError", e.what());
      }
    }
  });
}

}  // namespace finml::python
