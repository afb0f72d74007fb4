// LibTorch's thread count as the core asked for it (models::SetTorchThreads), applied by every
// entry point of the torch module before it builds a model: the request may come before the
// module was loaded.
#pragma once

namespace finml::models::deep {

void ApplyRequestedTorchThreads();

}  // namespace finml::models::deep
