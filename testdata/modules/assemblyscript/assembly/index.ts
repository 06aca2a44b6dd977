// A header-adding filter like the SDK's README example, plus a configuration check:
// onConfigure rejects (returns false) any configuration that does not name a "header".
export * from "@solo-io/proxy-runtime/proxy";
import {
  RootContext,
  Context,
  registerRootContext,
  FilterHeadersStatusValues,
  stream_context,
  log,
  LogLevelValues,
} from "@solo-io/proxy-runtime";

class AddHeaderRoot extends RootContext {
  createContext(context_id: u32): Context {
    return new AddHeader(context_id, this);
  }

  onConfigure(configuration_size: u32): bool {
    super.onConfigure(configuration_size);
    const configuration = this.getConfiguration();
    if (!configuration.includes('"header"')) {
      log(LogLevelValues.error, "add_header: configuration must name a \"header\": " + configuration);
      return false;
    }
    log(LogLevelValues.info, "add_header: configured with " + configuration);
    return true;
  }
}

class AddHeader extends Context {
  constructor(context_id: u32, root_context: AddHeaderRoot) {
    super(context_id, root_context);
  }

  onResponseHeaders(a: u32, end_of_stream: bool): FilterHeadersStatusValues {
    stream_context.headers.response.add("x-add-header", this.root_context.getConfiguration());
    return FilterHeadersStatusValues.Continue;
  }
}

registerRootContext((context_id: u32) => {
  return new AddHeaderRoot(context_id);
}, "add_header");
