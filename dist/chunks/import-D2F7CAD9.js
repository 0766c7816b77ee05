import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);
import {
  EmbeddedEngine,
  newRunId,
  silentProgress
} from "./chunk-A7EBDE5D.js";
import "./chunk-D6532F9D.js";
import "./chunk-D697A921.js";
import {
  openStore
} from "./chunk-CA8E37C7.js";
import {
  runRecordKey
} from "./chunk-2A3800A9.js";
import "./chunk-531649C7.js";
import "./chunk-8D30EC4A.js";
import {
  CsvError,
  cellsToCsv,
  cellsToRecord,
  checkQuality,
  is_object,
  landCsv,
  landingCells,
  landingKey,
  transform
} from "./chunk-CFBA4AA7.js";
import {
  STORAGE_CONCURRENCY,
  VERSION,
  isIsoInstant,
  mapConcurrently,
  validateActivity
} from "./chunk-8DD25B0D.js";
import {
  queryWindow
} from "./chunk-328A68CB.js";
import {
  AppError,
  ArchiveError,
  ConfigError
} from "./chunk-06F01416.js";
import "./chunk-BA800F3B.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunk-B9CF76D1.js";

// builtin-require:node_modules/csv-parse/lib/index.js imports stream
var require_lib = __commonJS({
  "builtin-require:node_modules/csv-parse/lib/index.js imports stream"(exports, module) {
    module.exports = __require("node:stream");
  }
});

// builtin-require:src/archive/source.ts imports fs
var require_source = __commonJS({
  "builtin-require:src/archive/source.ts imports fs"(exports, module) {
    module.exports = __require("node:fs");
  }
});

// builtin-require:src/archive/source.ts imports path
var require_source2 = __commonJS({
  "builtin-require:src/archive/source.ts imports path"(exports, module) {
    module.exports = __require("node:path");
  }
});

// builtin-require:src/archive/source.ts imports stream
var require_source3 = __commonJS({
  "builtin-require:src/archive/source.ts imports stream"(exports, module) {
    module.exports = __require("node:stream");
  }
});

// builtin-require:src/archive/source.ts imports zlib
var require_source4 = __commonJS({
  "builtin-require:src/archive/source.ts imports zlib"(exports, module) {
    module.exports = __require("node:zlib");
  }
});

// node_modules/pend/index.js
var require_pend = __commonJS({
  "node_modules/pend/index.js"(exports, module) {
    module.exports = Pend;
    function Pend() {
      this.pending = 0;
      this.max = Infinity;
      this.listeners = [];
      this.waiting = [];
      this.error = null;
    }
    Pend.prototype.go = function(fn) {
      if (this.pending < this.max) {
        pendGo(this, fn);
      } else {
        this.waiting.push(fn);
      }
    };
    Pend.prototype.wait = function(cb) {
      if (this.pending === 0) {
        cb(this.error);
      } else {
        this.listeners.push(cb);
      }
    };
    Pend.prototype.hold = function() {
      return pendHold(this);
    };
    function pendHold(self) {
      self.pending += 1;
      var called = false;
      return onCb;
      function onCb(err) {
        if (called) throw new Error("callback called twice");
        called = true;
        self.error = self.error || err;
        self.pending -= 1;
        if (self.waiting.length > 0 && self.pending < self.max) {
          pendGo(self, self.waiting.shift());
        } else if (self.pending === 0) {
          var listeners = self.listeners;
          self.listeners = [];
          listeners.forEach(cbListener);
        }
      }
      function cbListener(listener) {
        listener(self.error);
      }
    }
    function pendGo(self, fn) {
      fn(pendHold(self));
    }
  }
});

// node_modules/yauzl/fd-slicer.js
var require_fd_slicer = __commonJS({
  "node_modules/yauzl/fd-slicer.js"(exports) {
    var fs2 = __require("fs");
    var util = __require("util");
    var stream = __require("stream");
    var Readable = stream.Readable;
    var PassThrough = stream.PassThrough;
    var Pend = require_pend();
    var EventEmitter = __require("events").EventEmitter;
    exports.BufferSlicer = BufferSlicer;
    exports.FdSlicer = FdSlicer;
    util.inherits(FdSlicer, EventEmitter);
    function FdSlicer(fd) {
      EventEmitter.call(this);
      this.fd = fd;
      this.pend = new Pend();
      this.pend.max = 1;
      this.refCount = 0;
    }
    FdSlicer.prototype.read = function(buffer, offset, length, position, callback) {
      var self = this;
      self.pend.go(function(cb) {
        fs2.read(self.fd, buffer, offset, length, position, function(err, bytesRead, buffer2) {
          cb();
          callback(err, bytesRead, buffer2);
        });
      });
    };
    FdSlicer.prototype.createReadStream = function(options2) {
      return new ReadStream(this, options2);
    };
    FdSlicer.prototype.ref = function() {
      this.refCount += 1;
    };
    FdSlicer.prototype.unref = function() {
      var self = this;
      self.refCount -= 1;
      if (self.refCount < 0) throw new Error("invalid unref");
      if (self.refCount > 0) return;
      fs2.close(self.fd, onCloseDone);
      function onCloseDone(err) {
        if (err) {
          self.emit("error", err);
        } else {
          self.emit("close");
        }
      }
    };
    util.inherits(ReadStream, Readable);
    function ReadStream(context, options2) {
      options2 = options2 || {};
      Readable.call(this, options2);
      this.context = context;
      this.context.ref();
      this.start = options2.start || 0;
      this.endOffset = options2.end;
      this.pos = this.start;
    }
    ReadStream.prototype._read = function(n) {
      var self = this;
      var toRead = Math.min(self._readableState.highWaterMark, n);
      if (self.endOffset != null) {
        toRead = Math.min(toRead, self.endOffset - self.pos);
      }
      if (toRead <= 0) {
        self.push(null);
        this._cleanup();
        return;
      }
      self.context.pend.go(function(cb) {
        var buffer = Buffer.allocUnsafe(toRead);
        fs2.read(self.context.fd, buffer, 0, toRead, self.pos, function(err, bytesRead) {
          if (err) {
            self.destroy(err);
          } else if (bytesRead === 0) {
            self.push(null);
            self._cleanup();
          } else {
            self.pos += bytesRead;
            self.push(buffer.slice(0, bytesRead));
          }
          cb();
        });
      });
    };
    ReadStream.prototype._destroy = function(err, cb) {
      this._cleanup();
      cb(err);
    };
    ReadStream.prototype._cleanup = function() {
      if (this.context != null) {
        this.context.unref();
        this.context = null;
      }
    };
    util.inherits(BufferSlicer, EventEmitter);
    function BufferSlicer(buffer) {
      EventEmitter.call(this);
      this.refCount = 0;
      this.buffer = buffer;
    }
    BufferSlicer.prototype.read = function(buffer, offset, length, position, callback) {
      if (!(0 <= offset && offset <= buffer.length)) throw new RangeError("offset outside buffer: 0 <= " + offset + " <= " + buffer.length);
      if (position < 0) throw new RangeError("position is negative: " + position);
      if (offset + length > buffer.length) {
        length = buffer.length - offset;
      }
      if (position + length > this.buffer.length) {
        length = this.buffer.length - position;
      }
      if (length <= 0) {
        setImmediate(function() {
          callback(null, 0);
        });
        return;
      }
      this.buffer.copy(buffer, offset, position, position + length);
      setImmediate(function() {
        callback(null, length);
      });
    };
    BufferSlicer.prototype.createReadStream = function(options2) {
      options2 = options2 || {};
      var readStream = new PassThrough(options2);
      readStream.start = options2.start || 0;
      readStream.endOffset = options2.end;
      readStream.pos = readStream.endOffset || this.buffer.length;
      var entireSlice = this.buffer.slice(readStream.start, readStream.pos);
      var maxChunkSize = 65536;
      var offset = 0;
      while (true) {
        var nextOffset = offset + maxChunkSize;
        if (nextOffset >= entireSlice.length) {
          if (offset < entireSlice.length) {
            readStream.write(entireSlice.slice(offset, entireSlice.length));
          }
          break;
        }
        readStream.write(entireSlice.slice(offset, nextOffset));
        offset = nextOffset;
      }
      readStream.end();
      return readStream;
    };
    BufferSlicer.prototype.ref = function() {
      this.refCount += 1;
    };
    BufferSlicer.prototype.unref = function() {
      this.refCount -= 1;
      if (this.refCount < 0) {
        throw new Error("invalid unref");
      }
    };
  }
});

// node_modules/yauzl/crc32.js
var require_crc32 = __commonJS({
  "node_modules/yauzl/crc32.js"(exports, module) {
    var CRC_TABLE = new Int32Array([
      0,
      1996959894,
      3993919788,
      2567524794,
      124634137,
      1886057615,
      3915621685,
      2657392035,
      249268274,
      2044508324,
      3772115230,
      2547177864,
      162941995,
      2125561021,
      3887607047,
      2428444049,
      498536548,
      1789927666,
      4089016648,
      2227061214,
      450548861,
      1843258603,
      4107580753,
      2211677639,
      325883990,
      1684777152,
      4251122042,
      2321926636,
      335633487,
      1661365465,
      4195302755,
      2366115317,
      997073096,
      1281953886,
      3579855332,
      2724688242,
      1006888145,
      1258607687,
      3524101629,
      2768942443,
      901097722,
      1119000684,
      3686517206,
      2898065728,
      853044451,
      1172266101,
      3705015759,
      2882616665,
      651767980,
      1373503546,
      3369554304,
      3218104598,
      565507253,
      1454621731,
      3485111705,
      3099436303,
      671266974,
      1594198024,
      3322730930,
      2970347812,
      795835527,
      1483230225,
      3244367275,
      3060149565,
      1994146192,
      31158534,
      2563907772,
      4023717930,
      1907459465,
      112637215,
      2680153253,
      3904427059,
      2013776290,
      251722036,
      2517215374,
      3775830040,
      2137656763,
      141376813,
      2439277719,
      3865271297,
      1802195444,
      476864866,
      2238001368,
      4066508878,
      1812370925,
      453092731,
      2181625025,
      4111451223,
      1706088902,
      314042704,
      2344532202,
      4240017532,
      1658658271,
      366619977,
      2362670323,
      4224994405,
      1303535960,
      984961486,
      2747007092,
      3569037538,
      1256170817,
      1037604311,
      2765210733,
      3554079995,
      1131014506,
      879679996,
      2909243462,
      3663771856,
      1141124467,
      855842277,
      2852801631,
      3708648649,
      1342533948,
      654459306,
      3188396048,
      3373015174,
      1466479909,
      544179635,
      3110523913,
      3462522015,
      1591671054,
      702138776,
      2966460450,
      3352799412,
      1504918807,
      783551873,
      3082640443,
      3233442989,
      3988292384,
      2596254646,
      62317068,
      1957810842,
      3939845945,
      2647816111,
      81470997,
      1943803523,
      3814918930,
      2489596804,
      225274430,
      2053790376,
      3826175755,
      2466906013,
      167816743,
      2097651377,
      4027552580,
      2265490386,
      503444072,
      1762050814,
      4150417245,
      2154129355,
      426522225,
      1852507879,
      4275313526,
      2312317920,
      282753626,
      1742555852,
      4189708143,
      2394877945,
      397917763,
      1622183637,
      3604390888,
      2714866558,
      953729732,
      1340076626,
      3518719985,
      2797360999,
      1068828381,
      1219638859,
      3624741850,
      2936675148,
      906185462,
      1090812512,
      3747672003,
      2825379669,
      829329135,
      1181335161,
      3412177804,
      3160834842,
      628085408,
      1382605366,
      3423369109,
      3138078467,
      570562233,
      1426400815,
      3317316542,
      2998733608,
      733239954,
      1555261956,
      3268935591,
      3050360625,
      752459403,
      1541320221,
      2607071920,
      3965973030,
      1969922972,
      40735498,
      2617837225,
      3943577151,
      1913087877,
      83908371,
      2512341634,
      3803740692,
      2075208622,
      213261112,
      2463272603,
      3855990285,
      2094854071,
      198958881,
      2262029012,
      4057260610,
      1759359992,
      534414190,
      2176718541,
      4139329115,
      1873836001,
      414664567,
      2282248934,
      4279200368,
      1711684554,
      285281116,
      2405801727,
      4167216745,
      1634467795,
      376229701,
      2685067896,
      3608007406,
      1308918612,
      956543938,
      2808555105,
      3495958263,
      1231636301,
      1047427035,
      2932959818,
      3654703836,
      1088359270,
      936918e3,
      2847714899,
      3736837829,
      1202900863,
      817233897,
      3183342108,
      3401237130,
      1404277552,
      615818150,
      3134207493,
      3453421203,
      1423857449,
      601450431,
      3009837614,
      3294710456,
      1567103746,
      711928724,
      3020668471,
      3272380065,
      1510334235,
      755167117
    ]);
    function crc322(buf) {
      let crc = -1;
      for (let x of buf) {
        crc = CRC_TABLE[(crc ^ x) & 255] ^ crc >>> 8;
      }
      return (crc ^ -1) >>> 0;
    }
    module.exports = crc322;
  }
});

// node_modules/yauzl/index.js
var require_yauzl = __commonJS({
  "node_modules/yauzl/index.js"(exports) {
    var fs2 = __require("fs");
    var zlib = __require("zlib");
    var fd_slicer = require_fd_slicer();
    var util = __require("util");
    var EventEmitter = __require("events").EventEmitter;
    var Transform3 = __require("stream").Transform;
    var PassThrough = __require("stream").PassThrough;
    var Writable = __require("stream").Writable;
    var crc322 = typeof zlib.crc32 === "function" ? zlib.crc32 : require_crc32();
    exports.open = open;
    exports.fromFd = fromFd;
    exports.fromBuffer = fromBuffer;
    exports.fromRandomAccessReader = fromRandomAccessReader;
    exports.openPromise = openPromise;
    exports.fromFdPromise = fromFdPromise;
    exports.fromBufferPromise = fromBufferPromise;
    exports.fromRandomAccessReaderPromise = fromRandomAccessReaderPromise;
    exports.dosDateTimeToDate = dosDateTimeToDate;
    exports.getFileNameLowLevel = getFileNameLowLevel;
    exports.validateFileName = validateFileName;
    exports.parseExtraFields = parseExtraFields;
    exports.ZipFile = ZipFile;
    exports.Entry = Entry;
    exports.LocalFileHeader = LocalFileHeader;
    exports.RandomAccessReader = RandomAccessReader;
    function openPromise(path2, options2) {
      return new Promise((resolve, reject) => {
        open(path2, { ...options2, lazyEntries: true }, function(err, zipfile) {
          if (err) return reject(err);
          resolve(zipfile);
        });
      });
    }
    function fromFdPromise(fd, options2) {
      return new Promise((resolve, reject) => {
        fromFd(fd, { ...options2, lazyEntries: true }, function(err, zipfile) {
          if (err) return reject(err);
          resolve(zipfile);
        });
      });
    }
    function fromBufferPromise(buffer, options2) {
      return new Promise((resolve, reject) => {
        fromBuffer(buffer, { ...options2, lazyEntries: true }, function(err, zipfile) {
          if (err) return reject(err);
          resolve(zipfile);
        });
      });
    }
    function fromRandomAccessReaderPromise(reader, totalSize, options2) {
      return new Promise((resolve, reject) => {
        fromRandomAccessReader(reader, totalSize, { ...options2, lazyEntries: true }, function(err, zipfile) {
          if (err) return reject(err);
          resolve(zipfile);
        });
      });
    }
    function open(path2, options2, callback) {
      if (typeof options2 === "function") {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      if (options2.autoClose == null) options2.autoClose = true;
      if (options2.lazyEntries == null) options2.lazyEntries = false;
      if (options2.decodeStrings == null) options2.decodeStrings = true;
      if (options2.validateEntrySizes == null) options2.validateEntrySizes = true;
      if (options2.strictFileNames == null) options2.strictFileNames = false;
      if (callback == null) callback = defaultCallback;
      fs2.open(path2, "r", function(err, fd) {
        if (err) return callback(err);
        fromFd(fd, options2, function(err2, zipfile) {
          if (err2) fs2.close(fd, defaultCallback);
          callback(err2, zipfile);
        });
      });
    }
    function fromFd(fd, options2, callback) {
      if (typeof options2 === "function") {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      if (options2.autoClose == null) options2.autoClose = false;
      if (options2.lazyEntries == null) options2.lazyEntries = false;
      if (options2.decodeStrings == null) options2.decodeStrings = true;
      if (options2.validateEntrySizes == null) options2.validateEntrySizes = true;
      if (options2.strictFileNames == null) options2.strictFileNames = false;
      if (callback == null) callback = defaultCallback;
      fs2.fstat(fd, function(err, stats) {
        if (err) return callback(err);
        var reader = new fd_slicer.FdSlicer(fd);
        fromRandomAccessReader(reader, stats.size, options2, callback);
      });
    }
    function fromBuffer(buffer, options2, callback) {
      if (typeof options2 === "function") {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      options2.autoClose = false;
      if (options2.lazyEntries == null) options2.lazyEntries = false;
      if (options2.decodeStrings == null) options2.decodeStrings = true;
      if (options2.validateEntrySizes == null) options2.validateEntrySizes = true;
      if (options2.strictFileNames == null) options2.strictFileNames = false;
      var reader = new fd_slicer.BufferSlicer(buffer);
      fromRandomAccessReader(reader, buffer.length, options2, callback);
    }
    function fromRandomAccessReader(reader, totalSize, options2, callback) {
      if (typeof options2 === "function") {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      if (options2.autoClose == null) options2.autoClose = true;
      if (options2.lazyEntries == null) options2.lazyEntries = false;
      if (options2.decodeStrings == null) options2.decodeStrings = true;
      var decodeStrings = !!options2.decodeStrings;
      if (options2.validateEntrySizes == null) options2.validateEntrySizes = true;
      if (options2.strictFileNames == null) options2.strictFileNames = false;
      if (callback == null) callback = defaultCallback;
      if (typeof totalSize !== "number") throw new Error("expected totalSize parameter to be a number");
      if (totalSize > Number.MAX_SAFE_INTEGER) {
        throw new Error("zip file too large. only file sizes up to 2^52 are supported due to JavaScript's Number type being an IEEE 754 double.");
      }
      reader.ref();
      var eocdrWithoutCommentSize = 22;
      var zip64EocdlSize = 20;
      var maxCommentSize = 65535;
      var bufferSize = Math.min(zip64EocdlSize + eocdrWithoutCommentSize + maxCommentSize, totalSize);
      var buffer = newBuffer(bufferSize);
      var bufferReadStart = totalSize - buffer.length;
      readAndAssertNoEof(reader, buffer, 0, bufferSize, bufferReadStart, function(err) {
        if (err) return callback(err);
        for (var i = bufferSize - eocdrWithoutCommentSize; i >= 0; i -= 1) {
          if (buffer.readUInt32LE(i) !== 101010256) continue;
          var eocdrBuffer = buffer.subarray(i);
          var diskNumber = eocdrBuffer.readUInt16LE(4);
          var entryCount = eocdrBuffer.readUInt16LE(10);
          var centralDirectoryOffset = eocdrBuffer.readUInt32LE(16);
          var commentLength = eocdrBuffer.readUInt16LE(20);
          var expectedCommentLength = eocdrBuffer.length - eocdrWithoutCommentSize;
          if (commentLength !== expectedCommentLength) {
            return callback(new Error("Invalid comment length. Expected: " + expectedCommentLength + ". Found: " + commentLength + ". Are there extra bytes at the end of the file? Or is the end of central dir signature `PK\u263A\u263B` in the comment?"));
          }
          var comment = decodeStrings ? decodeBuffer(eocdrBuffer.subarray(22), false) : eocdrBuffer.subarray(22);
          if (i - zip64EocdlSize >= 0 && buffer.readUInt32LE(i - zip64EocdlSize) === 117853008) {
            var zip64EocdlBuffer = buffer.subarray(i - zip64EocdlSize, i - zip64EocdlSize + zip64EocdlSize);
            var zip64EocdrOffset = readUInt64LE(zip64EocdlBuffer, 8);
            var zip64EocdrBuffer = newBuffer(56);
            return readAndAssertNoEof(reader, zip64EocdrBuffer, 0, zip64EocdrBuffer.length, zip64EocdrOffset, function(err2) {
              if (err2) return callback(err2);
              if (zip64EocdrBuffer.readUInt32LE(0) !== 101075792) {
                return callback(new Error("invalid zip64 end of central directory record signature"));
              }
              diskNumber = zip64EocdrBuffer.readUInt32LE(16);
              if (diskNumber !== 0) {
                return callback(new Error("multi-disk zip files are not supported: found disk number: " + diskNumber));
              }
              entryCount = readUInt64LE(zip64EocdrBuffer, 32);
              centralDirectoryOffset = readUInt64LE(zip64EocdrBuffer, 48);
              return callback(null, new ZipFile(reader, centralDirectoryOffset, totalSize, entryCount, comment, options2.autoClose, options2.lazyEntries, decodeStrings, options2.validateEntrySizes, options2.strictFileNames));
            });
          }
          if (diskNumber !== 0) {
            return callback(new Error("multi-disk zip files are not supported: found disk number: " + diskNumber));
          }
          return callback(null, new ZipFile(reader, centralDirectoryOffset, totalSize, entryCount, comment, options2.autoClose, options2.lazyEntries, decodeStrings, options2.validateEntrySizes, options2.strictFileNames));
        }
        callback(new Error("End of central directory record signature not found. Either not a zip file, or file is truncated."));
      });
    }
    util.inherits(ZipFile, EventEmitter);
    function ZipFile(reader, centralDirectoryOffset, fileSize, entryCount, comment, autoClose, lazyEntries, decodeStrings, validateEntrySizes, strictFileNames) {
      var self = this;
      EventEmitter.call(self);
      self.reader = reader;
      self.reader.on("error", function(err) {
        emitError(self, err);
      });
      self.reader.once("close", function() {
        self.emit("close");
      });
      self.readEntryCursor = centralDirectoryOffset;
      self.fileSize = fileSize;
      self.entryCount = entryCount;
      self.comment = comment;
      self.entriesRead = 0;
      self.autoClose = !!autoClose;
      self.lazyEntries = !!lazyEntries;
      self.decodeStrings = !!decodeStrings;
      self.validateEntrySizes = !!validateEntrySizes;
      self.strictFileNames = !!strictFileNames;
      self.isOpen = true;
      self.emittedError = false;
      self.hasEachEntryBeenCalled = false;
      if (!self.lazyEntries) self._readEntry();
    }
    ZipFile.prototype.close = function() {
      if (!this.isOpen) return;
      this.isOpen = false;
      this.reader.unref();
    };
    function emitErrorAndAutoClose(self, err) {
      if (self.autoClose) self.close();
      emitError(self, err);
    }
    function emitError(self, err) {
      if (self.emittedError) return;
      self.emittedError = true;
      self.emit("error", err);
    }
    ZipFile.prototype.readEntry = function() {
      if (!this.lazyEntries) throw new Error("readEntry() called without lazyEntries:true");
      this._readEntry();
    };
    ZipFile.prototype._readEntry = function() {
      var self = this;
      if (self.entryCount === self.entriesRead) {
        setImmediate(function() {
          if (self.autoClose) self.close();
          if (self.emittedError) return;
          self.emit("end");
        });
        return;
      }
      if (self.emittedError) return;
      var buffer = newBuffer(46);
      readAndAssertNoEof(self.reader, buffer, 0, buffer.length, self.readEntryCursor, function(err) {
        if (err) return emitErrorAndAutoClose(self, err);
        if (self.emittedError) return;
        var entry = new Entry();
        var signature = buffer.readUInt32LE(0);
        if (signature !== 33639248) return emitErrorAndAutoClose(self, new Error("invalid central directory file header signature: 0x" + signature.toString(16)));
        entry.versionMadeBy = buffer.readUInt16LE(4);
        entry.versionNeededToExtract = buffer.readUInt16LE(6);
        entry.generalPurposeBitFlag = buffer.readUInt16LE(8);
        entry.compressionMethod = buffer.readUInt16LE(10);
        entry.lastModFileTime = buffer.readUInt16LE(12);
        entry.lastModFileDate = buffer.readUInt16LE(14);
        entry.crc32 = buffer.readUInt32LE(16);
        entry.compressedSize = buffer.readUInt32LE(20);
        entry.uncompressedSize = buffer.readUInt32LE(24);
        entry.fileNameLength = buffer.readUInt16LE(28);
        entry.extraFieldLength = buffer.readUInt16LE(30);
        entry.fileCommentLength = buffer.readUInt16LE(32);
        entry.internalFileAttributes = buffer.readUInt16LE(36);
        entry.externalFileAttributes = buffer.readUInt32LE(38);
        entry.relativeOffsetOfLocalHeader = buffer.readUInt32LE(42);
        if (entry.generalPurposeBitFlag & 64) return emitErrorAndAutoClose(self, new Error("strong encryption is not supported"));
        self.readEntryCursor += 46;
        buffer = newBuffer(entry.fileNameLength + entry.extraFieldLength + entry.fileCommentLength);
        readAndAssertNoEof(self.reader, buffer, 0, buffer.length, self.readEntryCursor, function(err2) {
          if (err2) return emitErrorAndAutoClose(self, err2);
          if (self.emittedError) return;
          entry.fileNameRaw = buffer.subarray(0, entry.fileNameLength);
          var fileCommentStart = entry.fileNameLength + entry.extraFieldLength;
          entry.extraFieldRaw = buffer.subarray(entry.fileNameLength, fileCommentStart);
          entry.fileCommentRaw = buffer.subarray(fileCommentStart, fileCommentStart + entry.fileCommentLength);
          try {
            entry.extraFields = parseExtraFields(entry.extraFieldRaw);
          } catch (err3) {
            return emitErrorAndAutoClose(self, err3);
          }
          if (self.decodeStrings) {
            var isUtf8 = (entry.generalPurposeBitFlag & 2048) !== 0;
            entry.fileComment = decodeBuffer(entry.fileCommentRaw, isUtf8);
            entry.fileName = getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, self.strictFileNames);
            var errorMessage = validateFileName(entry.fileName);
            if (errorMessage != null) return emitErrorAndAutoClose(self, new Error(errorMessage));
          } else {
            entry.fileComment = entry.fileCommentRaw;
            entry.fileName = entry.fileNameRaw;
          }
          entry.comment = entry.fileComment;
          self.readEntryCursor += buffer.length;
          self.entriesRead += 1;
          for (var i = 0; i < entry.extraFields.length; i++) {
            var extraField = entry.extraFields[i];
            if (extraField.id !== 1) continue;
            var zip64EiefBuffer = extraField.data;
            var index = 0;
            if (entry.uncompressedSize === 4294967295) {
              if (index + 8 > zip64EiefBuffer.length) {
                return emitErrorAndAutoClose(self, new Error("zip64 extended information extra field does not include uncompressed size"));
              }
              entry.uncompressedSize = readUInt64LE(zip64EiefBuffer, index);
              index += 8;
            }
            if (entry.compressedSize === 4294967295) {
              if (index + 8 > zip64EiefBuffer.length) {
                return emitErrorAndAutoClose(self, new Error("zip64 extended information extra field does not include compressed size"));
              }
              entry.compressedSize = readUInt64LE(zip64EiefBuffer, index);
              index += 8;
            }
            if (entry.relativeOffsetOfLocalHeader === 4294967295) {
              if (index + 8 > zip64EiefBuffer.length) {
                return emitErrorAndAutoClose(self, new Error("zip64 extended information extra field does not include relative header offset"));
              }
              entry.relativeOffsetOfLocalHeader = readUInt64LE(zip64EiefBuffer, index);
              index += 8;
            }
            break;
          }
          if (self.validateEntrySizes && entry.compressionMethod === 0) {
            var expectedCompressedSize = entry.uncompressedSize;
            if (entry.isEncrypted()) {
              expectedCompressedSize += 12;
            }
            if (entry.compressedSize !== expectedCompressedSize) {
              var msg = "compressed/uncompressed size mismatch for stored file: " + entry.compressedSize + " != " + entry.uncompressedSize;
              return emitErrorAndAutoClose(self, new Error(msg));
            }
          }
          self.emit("entry", entry);
          if (!self.lazyEntries) self._readEntry();
        });
      });
    };
    ZipFile.prototype.eachEntry = function() {
      const self = this;
      if (!self.lazyEntries) throw new Error("eachEntry() requires lazyEntries: true");
      if (self.hasEachEntryBeenCalled) throw new Error("eachEntry() must only be called once per ZipFile");
      self.hasEachEntryBeenCalled = true;
      let pendingResolveReject = null;
      self.on("entry", onEntry);
      self.on("end", onEnd);
      self.on("error", onError);
      function cleanup() {
        self.removeListener("entry", onEntry);
        self.removeListener("end", onEnd);
        self.removeListener("error", onError);
        if (self.autoClose) self.close();
      }
      function onEntry(entry) {
        let { resolve } = pendingResolveReject;
        pendingResolveReject = null;
        resolve({ value: entry });
      }
      function onEnd() {
        let { resolve } = pendingResolveReject;
        pendingResolveReject = null;
        cleanup();
        resolve({ done: true });
      }
      function onError(err) {
        let { reject } = pendingResolveReject;
        pendingResolveReject = null;
        cleanup();
        reject(err);
      }
      return {
        [Symbol.asyncIterator]() {
          return this;
        },
        next() {
          const promise = new Promise((resolve, reject) => {
            if (pendingResolveReject != null) throw new Error("next() called before previous Promise was resolved.");
            pendingResolveReject = { resolve, reject };
          });
          self.readEntry();
          return promise;
        },
        return(value) {
          cleanup();
          return Promise.resolve({ done: true, value });
        },
        throw(value) {
          cleanup();
          return Promise.reject(value);
        }
      };
    };
    ZipFile.prototype.openReadStream = function(entry, options2, callback) {
      var self = this;
      var relativeStart = 0;
      var relativeEnd = entry.compressedSize;
      if (callback == null) {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) {
        options2 = {};
      } else {
        if (options2.decodeFileData === false) {
          if (options2.decrypt != null) {
            throw new Error("cannot use options.decrypt when options.decodeFileData === false");
          }
          if (options2.decompress != null) {
            throw new Error("cannot use options.decompress when options.decodeFileData === false");
          }
        } else {
          if (options2.decrypt != null) {
            if (!entry.isEncrypted()) {
              throw new Error("options.decrypt can only be specified for encrypted entries. See also option decodeFileData.");
            }
            if (options2.decrypt !== false) throw new Error("invalid options.decrypt value: " + options2.decrypt);
            if (entry.isCompressed()) {
              if (options2.decompress !== false) throw new Error("entry is encrypted and compressed, and options.decompress !== false. See also option decodeFileData.");
            }
          }
          if (options2.decompress != null) {
            if (!entry.isCompressed()) {
              throw new Error("options.decompress can only be specified for compressed entries. See also option decodeFileData.");
            }
            if (!(options2.decompress === false || options2.decompress === true)) {
              throw new Error("invalid options.decompress value: " + options2.decompress);
            }
            decompress = options2.decompress;
          }
        }
        if (options2.start != null) {
          relativeStart = options2.start;
          if (relativeStart < 0) throw new Error("options.start < 0");
          if (relativeStart > entry.compressedSize) throw new Error("options.start > entry.compressedSize");
        }
        if (options2.end != null) {
          relativeEnd = options2.end;
          if (relativeEnd < 0) throw new Error("options.end < 0");
          if (relativeEnd > entry.compressedSize) throw new Error("options.end > entry.compressedSize");
          if (relativeEnd < relativeStart) throw new Error("options.end < options.start");
        }
      }
      var rawMode = options2.decodeFileData === false || // Explicitly requested raw.
      (entry.compressionMethod === 0 || // Naturally without compression.
      entry.compressionMethod === 8 && options2.decompress === false) && (!entry.isEncrypted() || // Naturally without encryption.
      options2.decrypt === false);
      if (options2.start != null || options2.end != null) {
        if (!rawMode) throw new Error("start/end range require options.decodeFileData === false for non-trivial encoded entries.");
      }
      if (!self.isOpen) return callback(new Error("closed"));
      if (entry.isEncrypted() && !rawMode) {
        if (options2.decrypt !== false) return callback(new Error("entry is encrypted, and options.decodeFileData !== false"));
      }
      var decompress;
      if (rawMode) {
        decompress = false;
      } else if (entry.compressionMethod === 8) {
        decompress = options2.decodeFileData !== true;
      } else {
        return callback(new Error("unsupported compression method: " + entry.compressionMethod));
      }
      self.readLocalFileHeader(entry, { minimal: true }, function(err, localFileHeader) {
        if (err) return callback(err);
        self.openReadStreamLowLevel(
          localFileHeader.fileDataStart,
          entry.compressedSize,
          relativeStart,
          relativeEnd,
          decompress,
          entry.uncompressedSize,
          callback
        );
      });
    };
    ZipFile.prototype.openReadStreamLowLevel = function(fileDataStart, compressedSize, relativeStart, relativeEnd, decompress, uncompressedSize, callback) {
      var self = this;
      var fileDataEnd = fileDataStart + compressedSize;
      var readStream = self.reader.createReadStream({
        start: fileDataStart + relativeStart,
        end: fileDataStart + relativeEnd
      });
      var endpointStream = readStream;
      if (decompress) {
        var destroyed = false;
        var inflateFilter = zlib.createInflateRaw();
        readStream.on("error", function(err) {
          setImmediate(function() {
            if (!destroyed) inflateFilter.emit("error", err);
          });
        });
        readStream.pipe(inflateFilter);
        if (self.validateEntrySizes) {
          endpointStream = new AssertByteCountStream(uncompressedSize);
          inflateFilter.on("error", function(err) {
            setImmediate(function() {
              if (!destroyed) endpointStream.emit("error", err);
            });
          });
          inflateFilter.pipe(endpointStream);
        } else {
          endpointStream = inflateFilter;
        }
        installDestroyFn(endpointStream, function() {
          destroyed = true;
          if (inflateFilter !== endpointStream) inflateFilter.unpipe(endpointStream);
          readStream.unpipe(inflateFilter);
          readStream.destroy();
        });
      }
      callback(null, endpointStream);
    };
    ZipFile.prototype.readLocalFileHeader = function(entry, options2, callback) {
      var self = this;
      if (callback == null) {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      self.reader.ref();
      var buffer = newBuffer(30);
      readAndAssertNoEof(self.reader, buffer, 0, buffer.length, entry.relativeOffsetOfLocalHeader, function(err) {
        try {
          if (err) return callback(err);
          var signature = buffer.readUInt32LE(0);
          if (signature !== 67324752) {
            return callback(new Error("invalid local file header signature: 0x" + signature.toString(16)));
          }
          var fileNameLength = buffer.readUInt16LE(26);
          var extraFieldLength = buffer.readUInt16LE(28);
          var fileDataStart = entry.relativeOffsetOfLocalHeader + 30 + fileNameLength + extraFieldLength;
          if (fileDataStart + entry.compressedSize > self.fileSize) {
            return callback(new Error("file data overflows file bounds: " + fileDataStart + " + " + entry.compressedSize + " > " + self.fileSize));
          }
          if (options2.minimal) {
            return callback(null, { fileDataStart });
          }
          var localFileHeader = new LocalFileHeader();
          localFileHeader.fileDataStart = fileDataStart;
          localFileHeader.versionNeededToExtract = buffer.readUInt16LE(4);
          localFileHeader.generalPurposeBitFlag = buffer.readUInt16LE(6);
          localFileHeader.compressionMethod = buffer.readUInt16LE(8);
          localFileHeader.lastModFileTime = buffer.readUInt16LE(10);
          localFileHeader.lastModFileDate = buffer.readUInt16LE(12);
          localFileHeader.crc32 = buffer.readUInt32LE(14);
          localFileHeader.compressedSize = buffer.readUInt32LE(18);
          localFileHeader.uncompressedSize = buffer.readUInt32LE(22);
          localFileHeader.fileNameLength = fileNameLength;
          localFileHeader.extraFieldLength = extraFieldLength;
          buffer = newBuffer(fileNameLength + extraFieldLength);
          self.reader.ref();
          readAndAssertNoEof(self.reader, buffer, 0, buffer.length, entry.relativeOffsetOfLocalHeader + 30, function(err2) {
            try {
              if (err2) return callback(err2);
              localFileHeader.fileName = buffer.subarray(0, fileNameLength);
              localFileHeader.extraField = buffer.subarray(fileNameLength);
              return callback(null, localFileHeader);
            } finally {
              self.reader.unref();
            }
          });
        } finally {
          self.reader.unref();
        }
      });
    };
    ZipFile.prototype.openReadStreamPromise = function(entry, options2) {
      return new Promise((resolve, reject) => {
        this.openReadStream(entry, options2, function(err, readStream) {
          if (err) return reject(err);
          resolve(readStream);
        });
      });
    };
    ZipFile.prototype.openReadStreamLowLevelPromise = function(fileDataStart, compressedSize, relativeStart, relativeEnd, decompress, uncompressedSize) {
      return new Promise((resolve, reject) => {
        this.openReadStream(fileDataStart, compressedSize, relativeStart, relativeEnd, decompress, uncompressedSize, function(err, readStream) {
          if (err) return reject(err);
          resolve(readStream);
        });
      });
    };
    ZipFile.prototype.readLocalFileHeaderPromise = function(entry, options2) {
      return new Promise((resolve, reject) => {
        this.readLocalFileHeader(entry, options2, function(err, localFileHeader) {
          if (err) return reject(err);
          resolve(localFileHeader);
        });
      });
    };
    function Entry() {
    }
    Entry.prototype.getLastModDate = function(options2) {
      if (options2 == null) options2 = {};
      if (!options2.forceDosFormat) {
        for (var i = 0; i < this.extraFields.length; i++) {
          var extraField = this.extraFields[i];
          if (extraField.id === 21589) {
            var data = extraField.data;
            if (data.length < 5) continue;
            var flags = data[0];
            var HAS_MTIME = 1;
            if (!(flags & HAS_MTIME)) continue;
            var posixTimestamp = data.readInt32LE(1);
            return new Date(posixTimestamp * 1e3);
          } else if (extraField.id === 10) {
            var data = extraField.data;
            if (data.length !== 32) continue;
            if (data.readUInt16LE(4) !== 1) continue;
            if (data.readUInt16LE(6) !== 24) continue;
            var hundredNanoSecondsSince1601 = data.readUInt32LE(8) + 4294967296 * data.readInt32LE(12);
            var millisecondsSince1970 = hundredNanoSecondsSince1601 / 1e4 - 116444736e5;
            return new Date(millisecondsSince1970);
          }
        }
      }
      return dosDateTimeToDate(this.lastModFileDate, this.lastModFileTime, options2.timezone);
    };
    Entry.prototype.canDecodeFileData = function() {
      return !this.isEncrypted() && (this.compressionMethod === 0 || this.compressionMethod === 8);
    };
    Entry.prototype.isEncrypted = function() {
      return (this.generalPurposeBitFlag & 1) !== 0;
    };
    Entry.prototype.isCompressed = function() {
      return this.compressionMethod === 8;
    };
    function LocalFileHeader() {
    }
    function dosDateTimeToDate(date, time, timezone) {
      var day = date & 31;
      var month = (date >> 5 & 15) - 1;
      var year = (date >> 9 & 127) + 1980;
      var millisecond = 0;
      var second = (time & 31) * 2;
      var minute = time >> 5 & 63;
      var hour = time >> 11 & 31;
      if (timezone == null || timezone === "local") {
        return new Date(year, month, day, hour, minute, second, millisecond);
      } else if (timezone === "UTC") {
        return new Date(Date.UTC(year, month, day, hour, minute, second, millisecond));
      } else {
        throw new Error("unrecognized options.timezone: " + options.timezone);
      }
    }
    function getFileNameLowLevel(generalPurposeBitFlag, fileNameBuffer, extraFields, strictFileNames) {
      var fileName = null;
      for (var i = 0; i < extraFields.length; i++) {
        var extraField = extraFields[i];
        if (extraField.id === 28789) {
          if (extraField.data.length < 6) {
            continue;
          }
          if (extraField.data.readUInt8(0) !== 1) {
            continue;
          }
          var oldNameCrc32 = extraField.data.readUInt32LE(1);
          if (crc322(fileNameBuffer) !== oldNameCrc32) {
            continue;
          }
          fileName = decodeBuffer(extraField.data.subarray(5), true);
          break;
        }
      }
      if (fileName == null) {
        var isUtf8 = (generalPurposeBitFlag & 2048) !== 0;
        fileName = decodeBuffer(fileNameBuffer, isUtf8);
      }
      if (!strictFileNames) {
        fileName = fileName.replace(/\\/g, "/");
      }
      return fileName;
    }
    function validateFileName(fileName) {
      if (fileName.indexOf("\\") !== -1) {
        return "invalid characters in fileName: " + fileName;
      }
      if (/^[a-zA-Z]:/.test(fileName) || /^\//.test(fileName)) {
        return "absolute path: " + fileName;
      }
      if (fileName.split("/").indexOf("..") !== -1) {
        return "invalid relative path: " + fileName;
      }
      return null;
    }
    function parseExtraFields(extraFieldBuffer) {
      var extraFields = [];
      var i = 0;
      while (i < extraFieldBuffer.length - 3) {
        var headerId = extraFieldBuffer.readUInt16LE(i + 0);
        var dataSize = extraFieldBuffer.readUInt16LE(i + 2);
        var dataStart = i + 4;
        var dataEnd = dataStart + dataSize;
        if (dataEnd > extraFieldBuffer.length) throw new Error("extra field length exceeds extra field buffer size");
        var dataBuffer = extraFieldBuffer.subarray(dataStart, dataEnd);
        extraFields.push({
          id: headerId,
          data: dataBuffer
        });
        i = dataEnd;
      }
      return extraFields;
    }
    function readAndAssertNoEof(reader, buffer, offset, length, position, callback) {
      if (length === 0) {
        return setImmediate(function() {
          callback(null, newBuffer(0));
        });
      }
      reader.read(buffer, offset, length, position, function(err, bytesRead) {
        if (err) return callback(err);
        if (bytesRead < length) {
          return callback(new Error("unexpected EOF"));
        }
        callback();
      });
    }
    util.inherits(AssertByteCountStream, Transform3);
    function AssertByteCountStream(byteCount) {
      Transform3.call(this);
      this.actualByteCount = 0;
      this.expectedByteCount = byteCount;
    }
    AssertByteCountStream.prototype._transform = function(chunk, encoding, cb) {
      this.actualByteCount += chunk.length;
      if (this.actualByteCount > this.expectedByteCount) {
        var msg = "too many bytes in the stream. expected " + this.expectedByteCount + ". got at least " + this.actualByteCount;
        return cb(new Error(msg));
      }
      cb(null, chunk);
    };
    AssertByteCountStream.prototype._flush = function(cb) {
      if (this.actualByteCount < this.expectedByteCount) {
        var msg = "not enough bytes in the stream. expected " + this.expectedByteCount + ". got only " + this.actualByteCount;
        return cb(new Error(msg));
      }
      cb();
    };
    util.inherits(RandomAccessReader, EventEmitter);
    function RandomAccessReader() {
      EventEmitter.call(this);
      this.refCount = 0;
    }
    RandomAccessReader.prototype.ref = function() {
      this.refCount += 1;
    };
    RandomAccessReader.prototype.unref = function() {
      var self = this;
      self.refCount -= 1;
      if (self.refCount > 0) return;
      if (self.refCount < 0) throw new Error("invalid unref");
      self.close(onCloseDone);
      function onCloseDone(err) {
        if (err) return self.emit("error", err);
        self.emit("close");
      }
    };
    RandomAccessReader.prototype.createReadStream = function(options2) {
      if (options2 == null) options2 = {};
      var start = options2.start;
      var end = options2.end;
      if (start === end) {
        var emptyStream = new PassThrough();
        setImmediate(function() {
          emptyStream.end();
        });
        return emptyStream;
      }
      var stream = this._readStreamForRange(start, end);
      var destroyed = false;
      var refUnrefFilter = new RefUnrefFilter(this);
      stream.on("error", function(err) {
        setImmediate(function() {
          if (!destroyed) refUnrefFilter.emit("error", err);
        });
      });
      installDestroyFn(refUnrefFilter, function() {
        stream.unpipe(refUnrefFilter);
        refUnrefFilter.unref();
        stream.destroy();
      });
      var byteCounter = new AssertByteCountStream(end - start);
      refUnrefFilter.on("error", function(err) {
        setImmediate(function() {
          if (!destroyed) byteCounter.emit("error", err);
        });
      });
      installDestroyFn(byteCounter, function() {
        destroyed = true;
        refUnrefFilter.unpipe(byteCounter);
        refUnrefFilter.destroy();
      });
      return stream.pipe(refUnrefFilter).pipe(byteCounter);
    };
    RandomAccessReader.prototype._readStreamForRange = function(start, end) {
      throw new Error("not implemented");
    };
    RandomAccessReader.prototype.read = function(buffer, offset, length, position, callback) {
      var readStream = this.createReadStream({ start: position, end: position + length });
      var writeStream = new Writable();
      var written = 0;
      writeStream._write = function(chunk, encoding, cb) {
        chunk.copy(buffer, offset + written, 0, chunk.length);
        written += chunk.length;
        cb();
      };
      writeStream.on("finish", callback);
      readStream.on("error", function(error) {
        callback(error);
      });
      readStream.pipe(writeStream);
    };
    RandomAccessReader.prototype.close = function(callback) {
      setImmediate(callback);
    };
    util.inherits(RefUnrefFilter, PassThrough);
    function RefUnrefFilter(context) {
      PassThrough.call(this);
      this.context = context;
      this.context.ref();
      this.unreffedYet = false;
    }
    RefUnrefFilter.prototype._flush = function(cb) {
      this.unref();
      cb();
    };
    RefUnrefFilter.prototype.unref = function(cb) {
      if (this.unreffedYet) return;
      this.unreffedYet = true;
      this.context.unref();
    };
    var cp437 = "\0\u263A\u263B\u2665\u2666\u2663\u2660\u2022\u25D8\u25CB\u25D9\u2642\u2640\u266A\u266B\u263C\u25BA\u25C4\u2195\u203C\xB6\xA7\u25AC\u21A8\u2191\u2193\u2192\u2190\u221F\u2194\u25B2\u25BC !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u2302\xC7\xFC\xE9\xE2\xE4\xE0\xE5\xE7\xEA\xEB\xE8\xEF\xEE\xEC\xC4\xC5\xC9\xE6\xC6\xF4\xF6\xF2\xFB\xF9\xFF\xD6\xDC\xA2\xA3\xA5\u20A7\u0192\xE1\xED\xF3\xFA\xF1\xD1\xAA\xBA\xBF\u2310\xAC\xBD\xBC\xA1\xAB\xBB\u2591\u2592\u2593\u2502\u2524\u2561\u2562\u2556\u2555\u2563\u2551\u2557\u255D\u255C\u255B\u2510\u2514\u2534\u252C\u251C\u2500\u253C\u255E\u255F\u255A\u2554\u2569\u2566\u2560\u2550\u256C\u2567\u2568\u2564\u2565\u2559\u2558\u2552\u2553\u256B\u256A\u2518\u250C\u2588\u2584\u258C\u2590\u2580\u03B1\xDF\u0393\u03C0\u03A3\u03C3\xB5\u03C4\u03A6\u0398\u03A9\u03B4\u221E\u03C6\u03B5\u2229\u2261\xB1\u2265\u2264\u2320\u2321\xF7\u2248\xB0\u2219\xB7\u221A\u207F\xB2\u25A0\xA0";
    function decodeBuffer(buffer, isUtf8) {
      if (isUtf8) {
        return buffer.toString("utf8");
      } else {
        var result = "";
        for (var i = 0; i < buffer.length; i++) {
          result += cp437[buffer[i]];
        }
        return result;
      }
    }
    function readUInt64LE(buffer, offset) {
      var lower32 = buffer.readUInt32LE(offset);
      var upper32 = buffer.readUInt32LE(offset + 4);
      return upper32 * 4294967296 + lower32;
    }
    var newBuffer;
    if (typeof Buffer.allocUnsafe === "function") {
      newBuffer = function(len) {
        return Buffer.allocUnsafe(len);
      };
    } else {
      newBuffer = function(len) {
        return new Buffer(len);
      };
    }
    function installDestroyFn(stream, fn) {
      if (typeof stream.destroy === "function") {
        stream._destroy = function(err, cb) {
          fn();
          if (cb != null) cb(err);
        };
      } else {
        stream.destroy = fn;
      }
    }
    function defaultCallback(err) {
      if (err) throw err;
    }
  }
});

// node_modules/csv-parse/lib/index.js
var import_stream = __toESM(require_lib(), 1);
var Parser = class extends import_stream.Transform {
  constructor(opts = {}) {
    super({ ...{ readableObjectMode: true }, ...opts, encoding: null });
    this.api = transform({
      on_skip: (err, chunk) => {
        this.emit("skip", err, chunk);
      },
      ...opts
    });
    this.state = this.api.state;
    this.options = this.api.options;
    this.info = this.api.info;
  }
  // Implementation of `Transform._transform`
  _transform(buf, _, callback) {
    if (this.state.stop === true) {
      return;
    }
    const err = this.api.parse(
      buf,
      false,
      (record) => {
        this.push(record);
      },
      () => {
        this.push(null);
        this.end();
        this.on("end", this.destroy);
      }
    );
    if (err !== void 0) {
      this.state.stop = true;
    }
    callback(err);
  }
  // Implementation of `Transform._flush`
  _flush(callback) {
    if (this.state.stop === true) {
      return;
    }
    const err = this.api.parse(
      void 0,
      true,
      (record) => {
        this.push(record);
      },
      () => {
        this.push(null);
        this.on("end", this.destroy);
      }
    );
    callback(err);
  }
};
var parse = function() {
  let data, options2, callback;
  for (const i in arguments) {
    const argument = arguments[i];
    const type = typeof argument;
    if (data === void 0 && (typeof argument === "string" || Buffer.isBuffer(argument))) {
      data = argument;
    } else if (options2 === void 0 && is_object(argument)) {
      options2 = argument;
    } else if (callback === void 0 && type === "function") {
      callback = argument;
    } else {
      throw new CsvError(
        "CSV_INVALID_ARGUMENT",
        ["Invalid argument:", `got ${JSON.stringify(argument)} at index ${i}`],
        options2 || {}
      );
    }
  }
  const parser = new Parser(options2);
  if (callback) {
    const records = options2 === void 0 || options2.objname === void 0 ? [] : /* @__PURE__ */ Object.create(null);
    parser.on("readable", function() {
      let record;
      while ((record = this.read()) !== null) {
        if (options2 === void 0 || options2.objname === void 0) {
          records.push(record);
        } else {
          Object.assign(records, {
            [record[0]]: record[1]
            // writable: true,
            // enumerable: true,
            // configurable: true
          });
        }
      }
    });
    parser.on("error", function(err) {
      callback(err, void 0, parser.api.__infoDataSet());
    });
    parser.on("end", function() {
      callback(void 0, records, parser.api.__infoDataSet());
    });
  }
  if (data !== void 0) {
    const writer = function() {
      parser.write(data);
      parser.end();
    };
    if (typeof setImmediate === "function") {
      setImmediate(writer);
    } else {
      setTimeout(writer, 0);
    }
  }
  return parser;
};

// src/archive/layouts.ts
var header = (text) => text.trim().split("\n").join("").split(",");
var LAYOUTS = [
  {
    // 78 columns, English (UK) export of December 2020: no `Activity Private Note` and no first
    // `Max Heart Rate`; some names are Strava's untranslated keys; dates as `24 Dec 2020, 08:13:59`.
    id: "2020-en-GB",
    source: "github.com/dlpb/garmin-strava-activity-updater, src/test/java/uk/dlpb/model/StravaActivityTest.java",
    columns: header(`
Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,
Distance,Relative Effort,Commute,Activity Gear,Filename,Athlete Weight,Bike Weight,Elapsed Time,
Moving Time,Distance,Max Speed,Average Speed,Elevation Gain,Elevation Loss,Elevation Low,
Elevation High,Max Grade,Average Grade,Average Positive Grade,Average Negative Grade,
Max Cadence,Average Cadence,Max Heart Rate,Average Heart Rate,Max Watts,Average Watts,Calories,
Max Temperature,Average Temperature,Relative Effort,Total Work,Number of Runs,Uphill Time,
Downhill Time,Other Time,Perceived Exertion,
translation missing: en-GB.lib.export.portability_exporter.activities.horton_values.type,
translation missing: en-GB.lib.export.portability_exporter.activities.horton_values.start_time,
Weighted Average Power,Power Count,Prefer Perceived Exertion,Perceived Relative Effort,Commute,
Total Weight Lifted,From Upload,Grade Adjusted Distance,Weather Observation Time,
Weather Condition,Weather Temperature,Apparent Temperature,Dewpoint,Humidity,Weather Pressure,
Wind Speed,Wind Gust,Wind Bearing,Precipitation Intensity,Sunrise Time,Sunset Time,Moon Phase,
Bike,Gear,Precipitation Probability,Precipitation Type,Cloud Cover,Weather Visibility,UV Index,
Weather Ozone,
translation missing: en-GB.lib.export.portability_exporter.activities.horton_values.jump_count,
translation missing: en-GB.lib.export.portability_exporter.activities.horton_values.total_grit,
translation missing: en-GB.lib.export.portability_exporter.activities.horton_values.avg_flow,
translation missing: en-GB.lib.export.portability_exporter.activities.horton_values.flagged
`)
  },
  {
    // 94 columns, ending `Timer Time,Total Cycles,Media`; rows dated Oct 2020 to Jun 2023.
    id: "2023",
    source: "a Zig parser of activities.csv in a public GitHub repository (found by content, find_string id 27815626344; repository not named by the index)",
    columns: header(`
Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,
Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,Filename,
Athlete Weight,Bike Weight,Elapsed Time,Moving Time,Distance,Max Speed,Average Speed,
Elevation Gain,Elevation Loss,Elevation Low,Elevation High,Max Grade,Average Grade,
Average Positive Grade,Average Negative Grade,Max Cadence,Average Cadence,Max Heart Rate,
Average Heart Rate,Max Watts,Average Watts,Calories,Max Temperature,Average Temperature,
Relative Effort,Total Work,Number of Runs,Uphill Time,Downhill Time,Other Time,
Perceived Exertion,Type,Start Time,Weighted Average Power,Power Count,Prefer Perceived Exertion,
Perceived Relative Effort,Commute,Total Weight Lifted,From Upload,Grade Adjusted Distance,
Weather Observation Time,Weather Condition,Weather Temperature,Apparent Temperature,Dewpoint,
Humidity,Weather Pressure,Wind Speed,Wind Gust,Wind Bearing,Precipitation Intensity,
Sunrise Time,Sunset Time,Moon Phase,Bike,Gear,Precipitation Probability,Precipitation Type,
Cloud Cover,Weather Visibility,UV Index,Weather Ozone,Jump Count,Total Grit,Average Flow,
Flagged,Average Elapsed Speed,Dirt Distance,Newly Explored Distance,
Newly Explored Dirt Distance,Activity Count,Total Steps,Carbon Saved,Pool Length,Training Load,
Intensity,Average Grade Adjusted Pace,Timer Time,Total Cycles,Media
`)
  },
  {
    // 99 columns: the 2023 layout plus `Recovery,With Pet,Competition,Long Run,For a Cause`
    // before `Media`.
    id: "2025",
    source: "github.com/thefipster/strive, legacy/harvester/src/ingestion/Fip.Strive.Ingestion.Application/Vendors/Strava/Activities/StravaActivitiesClassifier.cs (commit 63a1951c)",
    columns: header(`
Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,
Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,Filename,
Athlete Weight,Bike Weight,Elapsed Time,Moving Time,Distance,Max Speed,Average Speed,
Elevation Gain,Elevation Loss,Elevation Low,Elevation High,Max Grade,Average Grade,
Average Positive Grade,Average Negative Grade,Max Cadence,Average Cadence,Max Heart Rate,
Average Heart Rate,Max Watts,Average Watts,Calories,Max Temperature,Average Temperature,
Relative Effort,Total Work,Number of Runs,Uphill Time,Downhill Time,Other Time,
Perceived Exertion,Type,Start Time,Weighted Average Power,Power Count,Prefer Perceived Exertion,
Perceived Relative Effort,Commute,Total Weight Lifted,From Upload,Grade Adjusted Distance,
Weather Observation Time,Weather Condition,Weather Temperature,Apparent Temperature,Dewpoint,
Humidity,Weather Pressure,Wind Speed,Wind Gust,Wind Bearing,Precipitation Intensity,
Sunrise Time,Sunset Time,Moon Phase,Bike,Gear,Precipitation Probability,Precipitation Type,
Cloud Cover,Weather Visibility,UV Index,Weather Ozone,Jump Count,Total Grit,Average Flow,
Flagged,Average Elapsed Speed,Dirt Distance,Newly Explored Distance,
Newly Explored Dirt Distance,Activity Count,Total Steps,Carbon Saved,Pool Length,Training Load,
Intensity,Average Grade Adjusted Pace,Timer Time,Total Cycles,Recovery,With Pet,Competition,
Long Run,For a Cause,Media
`)
  }
];
function columnIndex(layout, name, which = "first") {
  const i = which === "first" ? layout.columns.indexOf(name) : layout.columns.lastIndexOf(name);
  return i < 0 ? void 0 : i;
}
function matchLayout(header2, file) {
  const cells = header2.map((c, i) => i === 0 ? c.replace(/^\uFEFF/, "") : c);
  const same = (l) => l.columns.length === cells.length && l.columns.every((c, i) => c === cells[i]);
  const found = LAYOUTS.find(same);
  if (found) return found;
  const agreed = (l) => {
    let i = 0;
    while (i < l.columns.length && i < cells.length && l.columns[i] === cells[i]) i++;
    return i;
  };
  const nearest = [...LAYOUTS].reverse().sort((a, b) => agreed(b) - agreed(a))[0];
  const at = agreed(nearest);
  const hint = `Known layouts: ${LAYOUTS.map((l) => l.id).join(", ")}; please report the header so it can be added.`;
  if (at >= cells.length) {
    throw new ArchiveError(
      `${file} has an unknown header layout: it ends after column ${cells.length}, where layout ${nearest.id} goes on with ${JSON.stringify(nearest.columns[at])}.`,
      hint
    );
  }
  const expected = at < nearest.columns.length ? `layout ${nearest.id} has ${JSON.stringify(nearest.columns[at])} there` : `layout ${nearest.id} ends before it`;
  throw new ArchiveError(
    `${file} has an unknown header layout: column ${at + 1} is ${JSON.stringify(cells[at].slice(0, 80))} where ${expected}.`,
    hint
  );
}

// src/archive/timezone.ts
var formatters = /* @__PURE__ */ new Map();
function formatter(zone) {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" });
    formatters.set(zone, f);
  }
  return f;
}
function checkTimezone(name, label = "--timezone") {
  const fix = "Give the IANA name of the time zone you record in, e.g. --timezone Europe/Paris.";
  if (name === void 0 || name === "") {
    throw new ConfigError(
      `${label} is required: activities.csv has no time zone, and the local month of each activity depends on it.`,
      fix
    );
  }
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) {
    throw new ConfigError(`${label} "${name}" is not an IANA time zone name.`, fix);
  }
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    throw new ConfigError(`${label} "${name}" is not a time zone this system knows.`, fix);
  }
}
function offsetSeconds(zone, epochMs) {
  const part = formatter(zone).formatToParts(new Date(epochMs)).find((p) => p.type === "timeZoneName").value;
  const m = /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(part);
  if (!m) throw new Error(`Unexpected offset "${part}" for ${zone}`);
  if (!m[1]) return 0;
  const s = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0);
  return m[1] === "-" ? -s : s;
}
var two = (n) => String(n).padStart(2, "0");
function stravaTimezone(zone, epochMs) {
  const year = new Date(epochMs).getUTCFullYear();
  const standard = Math.min(
    offsetSeconds(zone, Date.UTC(year, 0, 1)),
    offsetSeconds(zone, Date.UTC(year, 6, 1))
  );
  const sign = standard < 0 ? "-" : "+";
  const abs = Math.abs(standard);
  return `(GMT${sign}${two(Math.floor(abs / 3600))}:${two(Math.floor(abs % 3600 / 60))}) ${zone}`;
}
function localIso(epochMs, offset) {
  return new Date(epochMs + offset * 1e3).toISOString().replace(/\.\d{3}Z$/, "Z");
}

// src/archive/activities-csv.ts
var LEGACY_TYPE = {
  TrailRun: "Run",
  MountainBikeRide: "Ride",
  GravelRide: "Ride",
  EMountainBikeRide: "EBikeRide",
  VirtualRow: "Rowing"
};
function sportTypeOf(displayed) {
  return displayed.replace(/[\s-]+/g, "");
}
function legacyType(sportType) {
  return LEGACY_TYPE[sportType] ?? sportType;
}
var MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
var US_DATE = /^([A-Za-z]{3,4})\.? (\d{1,2}), (\d{4}),? (\d{1,2}):(\d{2}):(\d{2})\s?([AaPp][Mm])$/;
var GB_DATE = /^(\d{1,2}) ([A-Za-z]{3,4})\.? (\d{4}),? (\d{1,2}):(\d{2}):(\d{2})$/;
function parseExportDate(text) {
  const s = text.trim().replace(/[\u00a0\u202f]/g, " ");
  let year, month, day, hour, minute, second;
  const us = US_DATE.exec(s);
  const gb = us ? null : GB_DATE.exec(s);
  if (us) {
    month = MONTHS.indexOf(us[1].slice(0, 3).toLowerCase());
    day = Number(us[2]);
    year = Number(us[3]);
    hour = Number(us[4]);
    if (hour < 1 || hour > 12) return void 0;
    hour = hour % 12 + (us[7].toUpperCase() === "PM" ? 12 : 0);
    minute = Number(us[5]);
    second = Number(us[6]);
  } else if (gb) {
    day = Number(gb[1]);
    month = MONTHS.indexOf(gb[2].slice(0, 3).toLowerCase());
    year = Number(gb[3]);
    hour = Number(gb[4]);
    minute = Number(gb[5]);
    second = Number(gb[6]);
  } else return void 0;
  if (month < 0) return void 0;
  const ms = Date.UTC(year, month, day, hour, minute, second);
  const iso = new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  return isIsoInstant(iso) && new Date(ms).getUTCDate() === day ? ms : void 0;
}
var RowReader = class {
  constructor(layout, file) {
    this.layout = layout;
    this.file = file;
  }
  layout;
  file;
  index = /* @__PURE__ */ new Map();
  at(name, which) {
    const key = `${which}:${name}`;
    if (!this.index.has(key)) this.index.set(key, columnIndex(this.layout, name, which));
    return this.index.get(key);
  }
  /** The cell's text as written (names keep their spaces), '' when the layout has no such column. */
  text(cells, name, which = "first") {
    const i = this.at(name, which);
    return i === void 0 ? "" : cells[i] ?? "";
  }
  /** The cell as a number, null when empty; an ArchiveError when it is not a number. */
  number(cells, line, name, which = "last") {
    const t = this.text(cells, name, which).trim();
    if (t === "") return null;
    const n = Number(t);
    if (!Number.isFinite(n)) throw this.bad(line, cells, name, t, "a number");
    return n;
  }
  /** true/false, 1/0 or 1.0/0.0; null when empty. */
  bool(cells, line, name, which) {
    const t = this.text(cells, name, which).trim().toLowerCase();
    if (t === "") return null;
    if (t === "true" || t === "1" || t === "1.0") return true;
    if (t === "false" || t === "0" || t === "0.0") return false;
    throw this.bad(line, cells, name, t, "true or false");
  }
  bad(line, cells, name, value, want) {
    return new ArchiveError(
      `${this.file} row ${line} (activity ${cells[0] || "?"}): column "${name}" is ${JSON.stringify(value.slice(0, 60))}, not ${want}.`,
      "The file is not as Strava writes it; download the export again."
    );
  }
};
var round = (n) => n === null ? null : Math.round(n);
function rowToActivity(cells, line, layout, file, zone) {
  const r = new RowReader(layout, file);
  const idText = r.text(cells, "Activity ID").trim();
  if (!/^\d{1,16}$/.test(idText) || !Number.isSafeInteger(Number(idText))) {
    throw r.bad(line, cells, "Activity ID", idText, "an activity id");
  }
  const dateText = r.text(cells, "Activity Date").trim();
  const start = parseExportDate(dateText);
  if (start === void 0) {
    throw r.bad(line, cells, "Activity Date", dateText, 'a date like "Jul 1, 2025, 6:30:00 AM"');
  }
  const displayed = r.text(cells, "Activity Type").trim();
  if (!displayed) throw r.bad(line, cells, "Activity Type", displayed, "an activity type");
  const sportType = sportTypeOf(displayed);
  const offset = offsetSeconds(zone, start);
  const elapsed = round(r.number(cells, line, "Elapsed Time", "last"));
  if (elapsed === null) throw r.bad(line, cells, "Elapsed Time", "", "a number of seconds");
  const averageHr = r.number(cells, line, "Average Heart Rate");
  const filename = r.text(cells, "Filename").trim();
  const nonEmpty = (t) => t === "" ? null : t;
  const fields = {
    id: Number(idText),
    name: r.text(cells, "Activity Name"),
    sport_type: sportType,
    type: legacyType(sportType),
    start_date: localIso(start, 0),
    start_date_local: localIso(start, offset),
    timezone: stravaTimezone(zone, start),
    utc_offset: offset,
    distance: r.number(cells, line, "Distance", "last") ?? 0,
    moving_time: round(r.number(cells, line, "Moving Time")) ?? elapsed,
    elapsed_time: elapsed,
    total_elevation_gain: r.number(cells, line, "Elevation Gain"),
    elev_high: r.number(cells, line, "Elevation High"),
    elev_low: r.number(cells, line, "Elevation Low"),
    average_speed: r.number(cells, line, "Average Speed"),
    max_speed: r.number(cells, line, "Max Speed"),
    average_cadence: r.number(cells, line, "Average Cadence"),
    average_temp: r.number(cells, line, "Average Temperature"),
    has_heartrate: averageHr !== null,
    average_heartrate: averageHr,
    max_heartrate: r.number(cells, line, "Max Heart Rate", "last"),
    average_watts: r.number(cells, line, "Average Watts"),
    max_watts: r.number(cells, line, "Max Watts"),
    weighted_average_watts: r.number(cells, line, "Weighted Average Power"),
    suffer_score: r.number(cells, line, "Relative Effort", "last"),
    commute: r.bool(cells, line, "Commute", "first"),
    manual: filename === "",
    flagged: r.bool(cells, line, "Flagged", "last")
  };
  const archive = {
    layout: layout.id,
    filename: nonEmpty(filename),
    description: nonEmpty(r.text(cells, "Activity Description")),
    private_note: nonEmpty(r.text(cells, "Activity Private Note")),
    gear_name: nonEmpty(r.text(cells, "Activity Gear").trim()),
    calories: r.number(cells, line, "Calories"),
    timezone_source: "flag",
    timezone_name: zone
  };
  const record = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null));
  let activity;
  try {
    activity = validateActivity({ ...record, archive });
  } catch (err) {
    if (err instanceof AppError) {
      throw new ArchiveError(`${file} row ${line}: ${err.message}`, err.hint, { cause: err });
    }
    throw err;
  }
  return {
    activity,
    month: activity.start_date_local.slice(0, 7)
  };
}
async function readActivitiesCsv(stream, file, zone) {
  const parser = stream.pipe(parse({ bom: true, relax_column_count: false }));
  stream.on("error", (err) => parser.destroy(err));
  let layout;
  const activities = [];
  const rows = /* @__PURE__ */ new Map();
  let line = 0;
  try {
    for await (const cells of parser) {
      line++;
      if (!layout) {
        layout = matchLayout(cells, file);
        continue;
      }
      const read = rowToActivity(cells, line, layout, file, zone);
      const seen = rows.get(read.activity.id);
      if (seen !== void 0) {
        throw new ArchiveError(
          `${file} rows ${seen} and ${line} both hold activity ${read.activity.id}.`,
          "The file is not as Strava writes it; download the export again."
        );
      }
      rows.set(read.activity.id, line);
      activities.push(read);
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new ArchiveError(
      `${file} is not a readable CSV: ${err.message.replace(/\.$/, "")}.`,
      "The file is not as Strava writes it; download the export again.",
      { cause: err }
    );
  }
  if (!layout) {
    throw new ArchiveError(`${file} is empty.`, "Download the export again from Strava.");
  }
  return { layout, activities };
}

// src/archive/source.ts
var import_node_fs = __toESM(require_source(), 1);
var import_node_path = __toESM(require_source2(), 1);
var import_node_stream = __toESM(require_source3(), 1);
var import_node_zlib = __toESM(require_source4(), 1);
var import_yauzl = __toESM(require_yauzl(), 1);
var DEFAULT_LIMITS = {
  maxEntryBytes: 1024 ** 3,
  maxTotalBytes: 64 * 1024 ** 3,
  maxRatio: 200
};
var RATIO_FLOOR_BYTES = 1024 * 1024;
function shownName(name) {
  const text = JSON.stringify(name.length > 120 ? `${name.slice(0, 117)}...` : name);
  return text;
}
async function openArchive(location, limits = DEFAULT_LIMITS) {
  let stat;
  try {
    stat = await import_node_fs.default.promises.stat(location);
  } catch (err) {
    throw new ArchiveError(
      `Archive ${location} cannot be read: ${err.message}.`,
      "Give the path of Strava's export: the export_NNN.zip or the folder it unpacks to.",
      { cause: err }
    );
  }
  if (stat.isDirectory()) return FolderSource.open(location, limits);
  if (stat.isFile()) return ZipSource.open(location, limits);
  throw new ArchiveError(
    `Archive ${location} is neither a file nor a folder.`,
    "Give the path of Strava's export: the export_NNN.zip or the folder it unpacks to."
  );
}
function bombError(location, what) {
  return new ArchiveError(
    `Archive ${location}: ${what}; refused as a possible zip bomb.`,
    "Strava's own exports stay far below this; check that the file is the export you downloaded."
  );
}
function checkSizes(location, sizes, limits) {
  let total = 0;
  for (const e of sizes) {
    if (e.size > limits.maxEntryBytes) {
      throw bombError(
        location,
        `entry ${shownName(e.name)} expands to ${e.size} bytes, above the ${limits.maxEntryBytes}-byte cap per entry`
      );
    }
    if (e.compressed !== void 0 && e.size > RATIO_FLOOR_BYTES && e.size > e.compressed * limits.maxRatio) {
      const ratio = e.compressed ? Math.round(e.size / e.compressed) : Infinity;
      throw bombError(
        location,
        `entry ${shownName(e.name)} expands ${ratio}:1 (${e.compressed} to ${e.size} bytes), above the ${limits.maxRatio}:1 cap`
      );
    }
    total += e.size;
    if (total > limits.maxTotalBytes) {
      throw bombError(
        location,
        `its entries expand to more than the ${limits.maxTotalBytes}-byte cap in total`
      );
    }
  }
}
function checked(location, name, expected) {
  let crc = 0;
  let bytes = 0;
  const fail = (what) => new ArchiveError(
    `Archive ${location}: entry ${shownName(name)} is damaged (${what}).`,
    "Download the export again from Strava (Settings > My Account > Download or delete your account)."
  );
  return new import_node_stream.Transform({
    transform(chunk, _enc, done) {
      bytes += chunk.length;
      if (bytes > expected.size) {
        done(fail(`more than the ${expected.size} bytes it declares`));
        return;
      }
      if (expected.crc32 !== void 0) crc = (0, import_node_zlib.crc32)(chunk, crc);
      done(null, chunk);
    },
    flush(done) {
      if (bytes !== expected.size) {
        done(fail(`${bytes} bytes where it declares ${expected.size}`));
      } else if (expected.crc32 !== void 0 && crc >>> 0 !== expected.crc32 >>> 0) {
        done(fail("its CRC-32 does not match"));
      } else done();
    }
  });
}
function naming(stream, location, name, out) {
  stream.on("error", (err) => {
    out.destroy(
      err instanceof ArchiveError ? err : new ArchiveError(
        `Archive ${location}: entry ${shownName(name)} is damaged (${err.message.replace(/\.$/, "")}).`,
        "Download the export again from Strava (Settings > My Account > Download or delete your account).",
        { cause: err }
      )
    );
  });
  return stream.pipe(out);
}
var ZipSource = class _ZipSource {
  constructor(location, zip, entries) {
    this.location = location;
    this.zip = zip;
    this.entries = entries;
  }
  location;
  zip;
  entries;
  kind = "zip";
  static async open(location, limits) {
    const zip = await new Promise(
      (resolve, reject) => import_yauzl.default.open(
        location,
        { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false },
        (err, z) => err ? reject(zipError(location, err)) : resolve(z)
      )
    );
    try {
      const entries = await new Promise((resolve, reject) => {
        const found = /* @__PURE__ */ new Map();
        zip.on("entry", (entry) => {
          const name = entry.fileName;
          if (!name.endsWith("/")) {
            if (found.has(name)) {
              reject(
                new ArchiveError(
                  `Archive ${location} holds the entry ${shownName(name)} twice.`,
                  "Strava's exports name each file once; download the export again."
                )
              );
              return;
            }
            found.set(name, { name, size: entry.uncompressedSize, entry });
          }
          zip.readEntry();
        });
        zip.on("end", () => resolve(found));
        zip.on("error", (err) => reject(zipError(location, err)));
        zip.readEntry();
      });
      checkSizes(
        location,
        [...entries.values()].map((e) => ({
          name: e.name,
          size: e.size,
          compressed: e.entry.compressedSize
        })),
        limits
      );
      return new _ZipSource(location, zip, entries);
    } catch (err) {
      zip.close();
      throw err;
    }
  }
  async open(name) {
    const info = this.entries.get(name);
    if (!info) throw missing(this.location, name);
    if (info.entry.isEncrypted()) {
      throw new ArchiveError(
        `Archive ${this.location}: entry ${shownName(name)} is encrypted.`,
        "Strava's exports are not encrypted; download the export again."
      );
    }
    const stream = await new Promise(
      (resolve, reject) => this.zip.openReadStream(
        info.entry,
        (err, s) => err ? reject(zipError(this.location, err, name)) : resolve(s)
      )
    );
    return naming(
      stream,
      this.location,
      name,
      checked(this.location, name, { size: info.size, crc32: info.entry.crc32 })
    );
  }
  async close() {
    this.zip.close();
  }
};
function zipError(location, err, entry) {
  const where = entry ? `entry ${shownName(entry)}` : "it";
  return new ArchiveError(
    `Archive ${location} is not a readable zip: ${where} fails with "${err.message.replace(/\.$/, "")}".`,
    "Download the export again from Strava (Settings > My Account > Download or delete your account), or give the folder it unpacks to.",
    { cause: err }
  );
}
function missing(location, name) {
  return new ArchiveError(
    `Archive ${location} has no file ${shownName(name)}.`,
    "Download the export again from Strava."
  );
}
var FolderSource = class _FolderSource {
  constructor(location, files) {
    this.location = location;
    this.files = files;
    this.entries = new Map([...files].map(([name, f]) => [name, f.entry]));
  }
  location;
  files;
  kind = "folder";
  entries;
  static async open(location, limits) {
    const files = /* @__PURE__ */ new Map();
    const walk = async (parts) => {
      const dir = import_node_path.default.join(location, ...parts);
      const items = await import_node_fs.default.promises.readdir(dir, { withFileTypes: true });
      for (const item of items) {
        const next = [...parts, item.name];
        if (item.isDirectory()) await walk(next);
        else if (item.isFile()) {
          const { size } = await import_node_fs.default.promises.stat(import_node_path.default.join(location, ...next));
          const name = next.join("/");
          files.set(name, { entry: { name, size }, parts: next });
        }
      }
    };
    try {
      await walk([]);
    } catch (err) {
      throw new ArchiveError(
        `Archive folder ${location} cannot be listed: ${err.message}.`,
        "Check that this user may read the folder.",
        { cause: err }
      );
    }
    checkSizes(
      location,
      [...files.values()].map((f) => f.entry),
      limits
    );
    return new _FolderSource(location, files);
  }
  async open(name) {
    const file = this.files.get(name);
    if (!file) throw missing(this.location, name);
    const stream = import_node_fs.default.createReadStream(import_node_path.default.join(this.location, ...file.parts));
    return naming(
      stream,
      this.location,
      name,
      checked(this.location, name, { size: file.entry.size })
    );
  }
  async close() {
  }
};

// src/archive/import.ts
var CSV_NAME = "activities.csv";
function findActivitiesCsv(source) {
  const found = [...source.entries.keys()].filter(
    (n) => n === CSV_NAME || /^[^/]+\/activities\.csv$/.test(n)
  );
  const top = found.filter((n) => n === CSV_NAME);
  const pick = top.length ? top : found;
  if (pick.length !== 1) {
    throw new ArchiveError(
      pick.length ? `${source.location} holds ${pick.length} activities.csv files (${pick.map(shownName).join(", ")}): it is not one export.` : `${source.location} is not a Strava account export: it has no activities.csv at its top.`,
      "Give the export_NNN.zip Strava sent (Settings > My Account > Download or delete your account) or the folder it unpacks to."
    );
  }
  const name = pick[0];
  return { name, base: name.slice(0, name.length - CSV_NAME.length) };
}
function unreadableFiles(source, base, activities) {
  const bad = /* @__PURE__ */ new Map();
  for (const { activity } of activities) {
    const file = activity.archive.filename;
    if (file === null) continue;
    if (!source.entries.has(`${base}${file}`)) {
      bad.set(activity.id, `${file} (activity ${activity.id}): not in the archive`);
    }
  }
  return bad;
}
async function importArchive(config, deps = {}) {
  const zone = checkTimezone(config.timezone);
  if (!config.archive) {
    throw new ConfigError(
      "import-archive needs the path of the export.",
      "For example: import-archive export_12345.zip --timezone Europe/Paris."
    );
  }
  const progress = deps.progress ?? silentProgress;
  const now = deps.now ?? (() => /* @__PURE__ */ new Date());
  const startedAt = now();
  const runId = deps.runId ?? newRunId(startedAt);
  const store = deps.store ?? await openStore(config.warehouse, config.s3);
  const engine = new EmbeddedEngine(store, { progress, now });
  await progress.group("Check tables", async () => {
    await engine.preflight();
    engine.archive.assertWritable(await engine.archive.snapshot());
  });
  const source = await openArchive(config.archive, deps.limits ?? DEFAULT_LIMITS);
  let layout;
  let byMonth;
  let bad;
  try {
    const csv = findActivitiesCsv(source);
    const read = await progress.group(
      `Read ${csv.name}`,
      async () => readActivitiesCsv(await source.open(csv.name), `${source.location}: ${csv.name}`, zone)
    );
    layout = read.layout.id;
    progress.info(`${read.activities.length} activities, header layout ${layout}`);
    bad = unreadableFiles(source, csv.base, read.activities);
    if (bad.size && !config.skipBadFiles) {
      const first = bad.values().next().value;
      throw new ArchiveError(
        `${source.location}: ${bad.size} activity file(s) named in ${csv.name} cannot be read, the first ${first}.`,
        "Run again with --skip-bad-files to import the activities without them (the run record lists them), or download the export again."
      );
    }
    byMonth = /* @__PURE__ */ new Map();
    for (const a of read.activities) {
      const list = byMonth.get(a.month) ?? [];
      list.push(a);
      byMonth.set(a.month, list);
    }
  } finally {
    await source.close();
  }
  const months = [...byMonth.keys()].sort();
  const prepared = months.map((month) => {
    const activities = byMonth.get(month);
    const cells = landingCells(activities.map((a) => a.activity));
    const body = new TextEncoder().encode(cellsToCsv(cells));
    const rows = cells.map(cellsToRecord);
    const warnings = checkQuality(
      rows,
      month,
      landingKey(month, body, "archive")
    );
    const unreadable = activities.flatMap((a) => {
      const line = bad.get(a.activity.id);
      return line ? [line] : [];
    });
    return { month, body, rows, warnings, unreadable };
  });
  const landed = await progress.group(
    `Land ${months.length} month(s) of the archive`,
    () => mapConcurrently(prepared, STORAGE_CONCURRENCY, async (p) => {
      const file = await landCsv(store, p.month, p.body, "archive");
      return { ...p, ...file };
    })
  );
  const landings = landed.map((l) => ({
    month: l.month,
    key: l.key,
    sha256: l.sha256,
    rows: l.rows
  }));
  const result = landings.length ? await progress.group(
    `Process ${landings.length} month(s) with the embedded engine`,
    () => engine.processArchive(landings, { runId, force: false })
  ) : void 0;
  const versions = result ? void 0 : await engine.preflight();
  const finishedAt = now();
  const records = landed.map((l) => {
    const window = queryWindow(l.month);
    const changed = result?.changedMonths.includes(l.month) ?? false;
    return {
      schemaVersion: 1,
      runId,
      toolVersion: VERSION,
      engine: "embedded",
      month: l.month,
      window: {
        ...window,
        afterIso: new Date(window.after * 1e3).toISOString(),
        beforeIso: new Date(window.before * 1e3).toISOString()
      },
      status: changed ? "ingested" : "unchanged",
      activities: l.rows.length,
      landing: { key: l.key, sha256: l.sha256, bytes: l.bytes, reused: l.reused },
      tables: {
        before: result?.before ?? versions,
        after: result?.after ?? versions
      },
      qualityWarnings: l.warnings,
      stravaRequests: 0,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      forced: false,
      source: "archive",
      archive: {
        location: config.archive,
        layout,
        timezone: { source: "flag", name: zone },
        unreadableFiles: l.unreadable
      }
    };
  });
  await progress.group(
    "Record",
    () => mapConcurrently(
      records,
      STORAGE_CONCURRENCY,
      (r) => store.put(runRecordKey(r.month, r.runId), `${JSON.stringify(r, null, 2)}
`)
    )
  );
  return { records };
}
export {
  findActivitiesCsv,
  importArchive,
  unreadableFiles
};
