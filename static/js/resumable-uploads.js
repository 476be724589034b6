/*
 * Resumable uploads in the browser: the portal's protocol (the S3 multipart one) driven by
 * Uppy's AwsS3 plugin (static/vendor/uppy-*), mounted on every [data-resumable] element
 * that templates/uploads/_resumable.html draws.
 *
 * Uppy sends the parts (a few at a time, each retried after 0, 1, 3 and 5 seconds),
 * reports progress, pauses and resumes; the five callbacks below map its steps onto the
 * portal's API. A file's upload is started (the case's POST …/uploads/) before Uppy cuts it
 * into parts, because the portal chooses the part size. A record in localStorage (the case,
 * what the file is, and its name, size and date) keeps the upload's id, so that after the
 * tab was closed the same file chosen again carries on from the parts that arrived.
 *
 * API calls use the session with the page's CSRF token; part URLs authorise themselves
 * and are sent no credentials.
 *
 * When the connection drops (the browser's "offline" event, or a part failing while it is
 * offline) each file being sent says it is waiting for the connection; when it is back,
 * sending carries on by itself, from the parts that arrived.
 */
(function () {
  "use strict";

  var RECORD_PREFIX = "portal.upload:";
  var WAITING =
    "Waiting for the connection: sending carries on by itself when it is back. What was sent is kept.";
  var SCANS = {
    pending: "Waiting for the malware scan",
    clean: "Scanned: no malware found",
    infected: "Malware found: quarantined",
    not_scanned: "Not scanned for malware",
  };

  function formatSize(bytes) {
    var units = ["bytes", "KB", "MB", "GB", "TB"];
    var size = bytes;
    var unit = 0;
    while (size >= 1024 && unit < units.length - 1) {
      size /= 1024;
      unit += 1;
    }
    return (unit === 0 ? size : size.toFixed(size < 10 ? 1 : 0)) + " " + units[unit];
  }

  function errorMessage(data, status) {
    if (data && typeof data.detail === "string") return data.detail;
    if (data && data.errors && typeof data.errors === "object") {
      var messages = [];
      Object.keys(data.errors).forEach(function (field) {
        [].concat(data.errors[field]).forEach(function (message) {
          messages.push(typeof message === "string" ? message : JSON.stringify(message));
        });
      });
      if (messages.length) return messages.join(" ");
    }
    return "The portal answered " + status + ": try again in a moment.";
  }

  function mount(root) {
    if (root.dataset.mounted) return;
    root.dataset.mounted = "true";

    var startUrl = root.dataset.startUrl;
    var uploadsUrl = root.dataset.uploadsUrl;
    var csrfToken = root.dataset.csrfToken;
    var input = root.querySelector("[data-upload-input]");
    var list = root.querySelector("[data-upload-list]");
    var announcer = root.querySelector("[data-upload-status]");
    var kindSelect = root.querySelector("[data-upload-label='kind']");
    var candidateSelect = root.querySelector("[data-upload-label='candidate_number']");
    var rows = {};
    // Uppy asks for a part size with the file's bytes (a Blob), not the file.
    var partSizes = new WeakMap();

    root.querySelector("[data-upload-fallback]").hidden = true;
    root.querySelector("[data-upload-controls]").hidden = false;

    function announce(text) {
      announcer.textContent = text;
    }

    function api(method, url, body, signal) {
      var headers = { Accept: "application/json", "X-CSRFToken": csrfToken };
      if (body !== undefined) headers["Content-Type"] = "application/json";
      return fetch(url, {
        method: method,
        credentials: "same-origin",
        headers: headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal,
      }).then(function (response) {
        var read = response.status === 204 ? Promise.resolve(null) : response.json().catch(function () {
          return null;
        });
        return read.then(function (data) {
          if (!response.ok) {
            var error = new Error(errorMessage(data, response.status));
            error.status = response.status;
            throw error;
          }
          return data;
        });
      });
    }

    function uploadUrl(id, tail) {
      return uploadsUrl + encodeURIComponent(id) + "/" + (tail || "");
    }

    // --- The record that lets an upload resume after the tab was closed ------------------

    function recordKey(file) {
      var data = file.data || {};
      return RECORD_PREFIX + JSON.stringify([
        startUrl,
        file.meta.kind || "",
        file.meta.candidate_number || "",
        file.name,
        file.size,
        data.lastModified || 0,
      ]);
    }

    function readRecord(file) {
      try {
        return JSON.parse(window.localStorage.getItem(recordKey(file)) || "null");
      } catch (error) {
        return null;
      }
    }

    function writeRecord(file, id) {
      try {
        window.localStorage.setItem(recordKey(file), JSON.stringify({ id: id, at: Date.now() }));
      } catch (error) {
        // Private browsing or a full store: the upload works, it just cannot resume.
      }
    }

    function forgetRecord(file) {
      try {
        window.localStorage.removeItem(recordKey(file));
      } catch (error) {
        /* nothing kept, nothing to forget */
      }
    }

    function labelsOf(file) {
      var labels = {};
      if (file.meta.kind) labels.kind = file.meta.kind;
      if (file.meta.candidate_number) labels.candidate_number = file.meta.candidate_number;
      return labels;
    }

    /* The upload this file goes to: the one recorded for it if the portal still has it
       open, else a new one. Answers {id, partSize, arrived}. */
    function prepare(file) {
      var record = readRecord(file);
      var resumed = record
        ? api("GET", uploadUrl(record.id)).then(
            function (state) {
              if (state.status === "uploading" && state.size === file.size) {
                return { id: state.id, partSize: state.part_size, arrived: state.parts.length };
              }
              return null;
            },
            function (error) {
              if (error.status === 404) return null;
              throw error;
            }
          )
        : Promise.resolve(null);
      return resumed.then(function (found) {
        if (found) return found;
        forgetRecord(file);
        var body = Object.assign({ filename: file.name, size: file.size }, labelsOf(file));
        return api("POST", startUrl, body).then(function (started) {
          writeRecord(file, started.id);
          return { id: started.id, partSize: started.part_size, arrived: 0 };
        });
      });
    }

    // --- What the page shows for each file ----------------------------------------------

    function element(tag, attributes, text) {
      var node = document.createElement(tag);
      Object.keys(attributes || {}).forEach(function (name) {
        node.setAttribute(name, attributes[name]);
      });
      if (text !== undefined) node.textContent = text;
      return node;
    }

    function button(label, fileName, action) {
      var node = element("button", { type: "button", class: "button secondary", "data-action": action });
      node.appendChild(document.createTextNode(label));
      node.appendChild(element("span", { class: "visually-hidden" }, " " + fileName));
      return node;
    }

    function addRow(file) {
      var item = element("li", { class: "upload-file", "data-file": file.name });
      var heading = element("p", { class: "upload-name" });
      heading.appendChild(element("strong", {}, file.name));
      heading.appendChild(document.createTextNode(" (" + formatSize(file.size) + ")"));
      var progress = element("progress", { max: "100", value: "0", "aria-label": "Sent of " + file.name });
      var percent = element("span", { class: "upload-percent", "data-percent": "" }, "0%");
      var meter = element("p", { class: "upload-progress" });
      meter.appendChild(progress);
      meter.appendChild(percent);
      var state = element("p", { class: "upload-state", "data-state": "" }, "Getting ready");
      var result = element("dl", { class: "upload-result", hidden: "" });
      var actions = element("p", { class: "upload-actions" });
      var pause = button("Pause", file.name, "pause");
      var retry = button("Try again", file.name, "retry");
      var cancel = button("Cancel", file.name, "cancel");
      retry.hidden = true;
      pause.hidden = true;
      actions.appendChild(pause);
      actions.appendChild(retry);
      actions.appendChild(cancel);
      [heading, meter, state, result, actions].forEach(function (node) {
        item.appendChild(node);
      });
      list.appendChild(item);
      rows[file.id] = {
        item: item,
        progress: progress,
        percent: percent,
        state: state,
        result: result,
        pause: pause,
        retry: retry,
        cancel: cancel,
        name: file.name,
        finished: false,
      };
      pause.addEventListener("click", function () {
        var paused = uppy.pauseResume(file.id);
        setPaused(file.id, paused);
      });
      retry.addEventListener("click", function () {
        retry.hidden = true;
        show(file.id, "Trying again");
        uppy.retryUpload(file.id);
      });
      cancel.addEventListener("click", function () {
        rows[file.id].cancelled = true;
        uppy.removeFile(file.id);
        finish(file.id, "Cancelled: nothing of this file is kept.");
        announce(file.name + ": cancelled.");
      });
    }

    function show(id, text) {
      if (rows[id]) rows[id].state.textContent = text;
    }

    function setProgress(id, sent, total) {
      var row = rows[id];
      if (!row || !total) return;
      var percent = Math.floor((sent / total) * 100);
      row.progress.value = percent;
      row.percent.textContent = percent + "%";
    }

    function setPaused(id, paused) {
      var row = rows[id];
      row.paused = paused;
      row.pause.firstChild.textContent = paused ? "Resume" : "Pause";
      show(id, paused ? "Paused: what was sent is kept." : "Sending");
      announce(row.name + (paused ? ": paused." : ": sending again."));
    }

    function finish(id, text) {
      var row = rows[id];
      if (!row) return;
      row.finished = true;
      row.pause.hidden = true;
      row.retry.hidden = true;
      row.cancel.hidden = true;
      show(id, text);
    }

    function showFile(id, file) {
      var row = rows[id];
      var facts = [
        ["SHA-256", file.sha256],
        ["Malware scan", (SCANS[file.scan] || file.scan) + (file.scan_detail ? " (" + file.scan_detail + ")" : "")],
      ];
      if (file.duplicate_of) {
        facts.push([
          "Already uploaded",
          "The same file as " + file.duplicate_of.filename + ", uploaded " +
            new Date(file.duplicate_of.uploaded_at).toLocaleString("en-GB"),
        ]);
      }
      facts.forEach(function (fact) {
        row.result.appendChild(element("dt", {}, fact[0]));
        var value = element("dd", { "data-fact": fact[0] });
        value.appendChild(element(fact[0] === "SHA-256" ? "code" : "span", {}, fact[1]));
        row.result.appendChild(value);
      });
      row.result.hidden = false;
      setProgress(id, 1, 1);
    }

    // --- Uppy, and the five steps of the protocol --------------------------------------

    var uppy = new window.Uppy.Uppy({ autoProceed: true, allowMultipleUploadBatches: true });

    uppy.use(window.Uppy.AwsS3, {
      shouldUseMultipart: true,
      limit: 4,
      getChunkSize: function (data) {
        return partSizes.get(data);
      },
      createMultipartUpload: function (file) {
        // Reached only if a file skipped the preparation below.
        return prepare(file).then(function (upload) {
          return { uploadId: upload.id, key: upload.id };
        });
      },
      signPart: function (file, options) {
        return api("POST", uploadUrl(options.uploadId, "parts/"), { numbers: [options.partNumber] }, options.signal)
          .then(function (answer) {
            return { url: answer.parts[0].url, method: "PUT" };
          });
      },
      listParts: function (file, options) {
        return api("GET", uploadUrl(options.uploadId), undefined, options.signal).then(function (state) {
          return state.parts.map(function (part) {
            return { PartNumber: part.number, Size: part.size, ETag: part.etag };
          });
        });
      },
      completeMultipartUpload: function (file, options) {
        var parts = options.parts.map(function (part) {
          return { number: part.PartNumber, etag: part.ETag };
        });
        show(file.id, "Checking the file and computing its SHA-256");
        return api("POST", uploadUrl(options.uploadId, "complete/"), { parts: parts }, options.signal).then(
          function (answer) {
            forgetRecord(file);
            return { location: answer.url, file: answer };
          },
          function (error) {
            // Refused content is abandoned by the portal: starting again is the only way.
            if (error.status === 415 || error.status === 413 || error.status === 409) forgetRecord(file);
            throw error;
          }
        );
      },
      abortMultipartUpload: function (file, options) {
        forgetRecord(file);
        return api("DELETE", uploadUrl(options.uploadId)).catch(function () {
          // Already finished or gone: nothing left to abandon.
        });
      },
    });

    // Start (or find) each file's upload before Uppy cuts it into parts.
    uppy.addPreProcessor(function (fileIDs) {
      return Promise.all(
        fileIDs.map(function (id) {
          var file = uppy.getFile(id);
          if (!file || (file.s3Multipart && file.s3Multipart.uploadId)) return null;
          return prepare(file).then(
            function (upload) {
              partSizes.set(file.data, upload.partSize);
              uppy.setFileState(id, { s3Multipart: { uploadId: upload.id, key: upload.id } });
              rows[id].pause.hidden = false;
              if (upload.arrived) {
                show(id, "Resuming: " + upload.arrived + " part" + (upload.arrived === 1 ? "" : "s") + " had arrived");
                announce(file.name + ": resuming where it stopped.");
              } else {
                show(id, "Sending");
              }
            },
            function (error) {
              rows[id].refused = true;
              uppy.removeFile(id);
              finish(id, "Not sent: " + error.message);
              announce(file.name + " was not sent: " + error.message);
            }
          );
        })
      );
    });

    uppy.on("upload-progress", function (file, progress) {
      if (file) setProgress(file.id, progress.bytesUploaded, progress.bytesTotal);
    });

    uppy.on("upload-success", function (file, response) {
      var answer = response.body.file;
      showFile(file.id, answer);
      finish(file.id, answer.duplicate_of ? "Uploaded: already uploaded before" : "Uploaded");
      announce(file.name + ": uploaded.");
    });

    // --- The connection dropping and coming back -----------------------------------------

    var offline = false;

    function sending() {
      return Object.keys(rows).filter(function (id) {
        var row = rows[id];
        return !row.finished && !row.paused && !row.refused && !row.cancelled;
      });
    }

    function connectionLost() {
      if (offline) return;
      offline = true;
      var waiting = sending();
      waiting.forEach(function (id) {
        show(id, WAITING);
      });
      if (waiting.length) {
        announce("The connection dropped: waiting for the connection. Sending carries on by itself when it is back.");
      }
    }

    function connectionBack() {
      if (!offline) return;
      offline = false;
      var waiting = sending();
      waiting.forEach(function (id) {
        var row = rows[id];
        show(id, "Sending");
        if (row.stopped) {
          // Its parts failed while offline: Uppy gave up on them, so it is asked again.
          row.stopped = false;
          row.retry.hidden = true;
          uppy.retryUpload(id);
        }
      });
      if (waiting.length) announce("The connection is back: sending again.");
    }

    window.addEventListener("offline", connectionLost);
    window.addEventListener("online", connectionBack);

    uppy.on("upload-error", function (file, error) {
      var row = file && rows[file.id];
      if (!row || row.finished) return;
      if (!navigator.onLine) {
        row.stopped = true;
        connectionLost();
        show(file.id, WAITING);
        return;
      }
      var message = error && error.message ? error.message : "the connection failed";
      if (error && (error.status === 415 || error.status === 413 || error.status === 409)) {
        finish(file.id, "Not sent: " + message);
      } else {
        show(file.id, "Stopped: " + message + " What was sent is kept: try again.");
        row.retry.hidden = false;
      }
      announce(file.name + ": stopped. " + message);
    });

    // A file that finished (sent, refused or cancelled) may be chosen again: Uppy refuses
    // a file it still holds, so it lets go of it first.
    function release(data) {
      uppy.getFiles().forEach(function (held) {
        var row = rows[held.id];
        if (row && row.finished && held.name === data.name && held.size === data.size) {
          uppy.removeFile(held.id);
        }
      });
    }

    input.addEventListener("change", function () {
      Array.prototype.forEach.call(input.files, function (data) {
        release(data);
        var meta = {};
        if (kindSelect && kindSelect.value) meta.kind = kindSelect.value;
        if (candidateSelect && candidateSelect.value) meta.candidate_number = candidateSelect.value;
        try {
          var id = uppy.addFile({ name: data.name, type: data.type, data: data, meta: meta, source: "Local" });
          addRow(uppy.getFile(id));
        } catch (error) {
          announce(data.name + ": " + (error.message || "could not be added") + ".");
        }
      });
      input.value = "";
    });
  }

  function mountAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-resumable]"), mount);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mountAll);
  } else {
    mountAll();
  }
})();
