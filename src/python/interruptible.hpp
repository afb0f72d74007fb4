// Long finml calls from Python: run without the GIL on a worker thread while the calling thread
// keeps answering signals. A signal handler that raises (Ctrl-C's KeyboardInterrupt, a timeout's
// exception) asks the job to stop at its next progress point, and its exception is the call's.
#pragma once

#include <pybind11/pybind11.h>

#include <clocale>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include "finml/core/progress.hpp"

namespace finml::python {

// finml's process-wide state (the cancel request, torch's thread count, a command's checkpoint
// plan, the staging directory named by the process) belongs to one call at a time: a second
// Python thread waits for the first call to end.
inline std::mutex& OneCallAtATime() {
  static std::mutex mutex;
  return mutex;
}

template <typename Call>
auto CallInterruptibly(Call&& call) -> decltype(call()) {
  namespace py = pybind11;
  using Result = decltype(call());
  std::optional<Result> result;
  std::exception_ptr error;
  bool done = false;
  // The exception a signal handler raised, kept while the job winds down.
  PyObject* raised_type = nullptr;
  PyObject* raised_value = nullptr;
  PyObject* raised_traceback = nullptr;
  std::mutex mutex;
  std::condition_variable finished;
  {
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> one_call(OneCallAtATime());
    ClearCancel();
    std::thread worker([&] {
      // finml reads and writes numbers as the binary does, whatever locale Python set (a comma
      // decimal LC_NUMERIC would turn "0.975" into 0).
      const locale_t c_locale = newlocale(LC_ALL_MASK, "C", nullptr);
      if (c_locale != nullptr) uselocale(c_locale);
      try {
        result.emplace(call());
      } catch (...) {
        error = std::current_exception();
      }
      if (c_locale != nullptr) {
        uselocale(LC_GLOBAL_LOCALE);
        freelocale(c_locale);
      }
      std::lock_guard<std::mutex> lock(mutex);
      done = true;
      finished.notify_all();
    });
    std::unique_lock<std::mutex> lock(mutex);
    // Signals are delivered to Python's main thread between bytecodes, which never come while
    // this thread waits: check for them every 50 ms instead (on another thread this does nothing:
    // Python runs signal handlers on its main thread only).
    while (!finished.wait_for(lock, std::chrono::milliseconds(50), [&] { return done; })) {
      lock.unlock();
      {
        py::gil_scoped_acquire acquire;
        if (PyErr_CheckSignals() != 0 && raised_type == nullptr) {
          PyErr_Fetch(&raised_type, &raised_value, &raised_traceback);
          RequestCancel();
        } else {
          PyErr_Clear();  // a second signal while the job winds down: the first one counts
        }
      }
      lock.lock();
    }
    lock.unlock();
    worker.join();
    ClearCancel();
  }
  if (raised_type != nullptr) {
    PyErr_Restore(raised_type, raised_value, raised_traceback);
    throw py::error_already_set();
  }
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

}  // namespace finml::python
