// Long finml calls from Python: run without the GIL on a worker thread while the calling thread
// keeps answering Ctrl-C, which asks the job to stop at its next progress point.
#pragma once

#include <pybind11/pybind11.h>

#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include "finml/core/progress.hpp"

namespace finml::python {

template <typename Call>
auto CallInterruptibly(Call&& call) -> decltype(call()) {
  namespace py = pybind11;
  using Result = decltype(call());
  std::optional<Result> result;
  std::exception_ptr error;
  bool done = false;
  bool interrupted = false;
  std::mutex mutex;
  std::condition_variable finished;
  ClearCancel();
  {
    py::gil_scoped_release release;
    std::thread worker([&] {
      try {
        result.emplace(call());
      } catch (...) {
        error = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(mutex);
      done = true;
      finished.notify_all();
    });
    std::unique_lock<std::mutex> lock(mutex);
    // Signals are delivered to Python's main thread between bytecodes, which never come while
    // this thread waits: check for them every 50 ms instead.
    while (!finished.wait_for(lock, std::chrono::milliseconds(50), [&] { return done; })) {
      lock.unlock();
      {
        py::gil_scoped_acquire acquire;
        if (PyErr_CheckSignals() != 0) {
          PyErr_Clear();
          interrupted = true;
          RequestCancel();
        }
      }
      lock.lock();
    }
    lock.unlock();
    worker.join();
  }
  ClearCancel();
  if (interrupted) {
    PyErr_SetNone(PyExc_KeyboardInterrupt);
    throw py::error_already_set();
  }
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

}  // namespace finml::python
