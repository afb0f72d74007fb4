// Word vectors for Python: the nearest words that `finml nlp neighbors` prints, as values.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <tuple>
#include <vector>

#include "bindings.hpp"
#include "finml/nlp/word_vectors.hpp"
#include "interruptible.hpp"

namespace finml::python {
namespace py = pybind11;

void BindText(py::module_& m) {
  m.def(
      "nearest_words",
      [](const std::string& model_dir, const std::vector<std::string>& words, int k) {
        using Row = std::tuple<std::string, std::string, double>;
        return CallInterruptibly([&] {
          const auto vectors = nlp::WordVectors::Load(model_dir + "/word_vectors.bin");
          std::vector<Row> rows;
          for (const auto& word : words)
            for (const auto& [neighbour, similarity] : vectors.Nearest(word, k))
              rows.emplace_back(word, neighbour, similarity);
          return rows;
        });
      },
      py::arg("model_dir"), py::arg("words"), py::arg("k") = 10,
      "(word, neighbour, cosine similarity) for each word's k nearest vocabulary words");
}

}  // namespace finml::python
