// Vectors handed to NumPy without a copy: the array owns the vector's buffer through a capsule.
#pragma once

#include <pybind11/numpy.h>

#include <cstdint>
#include <vector>

namespace finml::python {

template <typename T>
pybind11::array_t<T> ToArray(std::vector<T>&& values) {
  auto* owned = new std::vector<T>(std::move(values));
  pybind11::capsule owner(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return pybind11::array_t<T>(static_cast<pybind11::ssize_t>(owned->size()), owned->data(), owner);
}

// A 1-D float64 array as a vector; NumPy converts other dtypes and strides on the way in.
inline std::vector<double> ToVector(
    const pybind11::array_t<double, pybind11::array::c_style | pybind11::array::forcecast>& a) {
  if (a.ndim() != 1) throw pybind11::value_error("expected a 1-D array of numbers");
  return std::vector<double>(a.data(), a.data() + a.shape(0));
}

}  // namespace finml::python
