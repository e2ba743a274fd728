// Server-sent events from a fetch body, as the browser's EventSource would read them; EventSource
// itself cannot POST. Yields the data of each event (several data: lines joined by \n).

export async function* sseData(body) {
  // TextDecoderStream keeps a multi-byte character split across network chunks whole.
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let data = [];
  let finished = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        finished = true;
        break;
      }
      buffer += value;
      let newline;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        const breakLength = buffer.startsWith('\r\n', newline) ? 2 : 1;
        if (buffer[newline] === '\r' && breakLength === 1 && newline === buffer.length - 1) {
          break; // a lone \r at the end may be half of \r\n: wait for the next chunk
        }
        buffer = buffer.slice(newline + breakLength);
        if (line === '') {
          if (data.length > 0) {
            yield data.join('\n');
            data = [];
          }
          continue;
        }
        if (line.startsWith(':')) {
          continue; // a comment, e.g. a keep-alive
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) {
          value = value.slice(1);
        }
        if (field === 'data') {
          data.push(value);
        }
      }
    }
    if (data.length > 0) {
      yield data.join('\n');
    }
  } finally {
    if (!finished) {
      await reader.cancel().catch(() => {});
    }
  }
}
