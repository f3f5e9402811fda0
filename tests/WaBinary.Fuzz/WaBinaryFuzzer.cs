using System.Diagnostics;
using System.IO.Compression;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WaBinary.Fuzz;

/// <summary>One input that broke an invariant, kept small enough to paste into a regression test.</summary>
public sealed record FuzzFailure(string Kind, string InputHex, string Detail);

public sealed record FuzzSummary(
    long Inputs,
    long Decoded,
    long Rejected,
    long GeneratedRoundTrips,
    TimeSpan Elapsed,
    IReadOnlyList<FuzzFailure> Failures)
{
    public bool Passed => Failures.Count == 0;

    public override string ToString() =>
        $"{Inputs} inputs in {Elapsed.TotalSeconds:F1}s: {Decoded} decoded and re-encoded, {Rejected} rejected with WaBinaryException, "
        + $"{GeneratedRoundTrips} generated nodes round-tripped, {Failures.Count} failures";
}

/// <summary>
/// Feeds the decoder random bytes, mutated valid frames (seeds and freshly encoded random nodes) and
/// compressed variants. Invariants: only <see cref="WaBinaryException"/> escapes the decoder; whatever
/// decodes re-encodes to bytes that decode to the same node and re-encode identically; generated nodes
/// survive encode → decode unchanged.
/// </summary>
public sealed class WaBinaryFuzzer
{
    private const int MaxFailuresKept = 20;
    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x02, 0x7F, 0x80, 0xEC, 0xEF, 0xF0, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF];

    private readonly Random _random;
    private readonly RandomNodeGenerator _nodes;
    private readonly List<byte[]> _corpus;
    private readonly WaBinaryLimits _limits = new() { MaxDecompressedBytes = 4 * 1024 * 1024 };

    public WaBinaryFuzzer(IEnumerable<byte[]> seeds, int seed)
    {
        _random = new Random(seed);
        _nodes = new RandomNodeGenerator(_random);
        _corpus = [.. seeds];
        for (var i = 0; i < 32; i++)
        {
            _corpus.Add(WaBinaryEncoder.Encode(_nodes.Next()));
        }
    }

    public FuzzSummary Run(long inputs, CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var failures = new List<FuzzFailure>();
        long decoded = 0, rejected = 0, generated = 0, done = 0;
        for (; done < inputs && !cancellationToken.IsCancellationRequested; done++)
        {
            if (_random.Next(16) == 0)
            {
                generated++;
                CheckGenerated(failures);
                continue;
            }
            var input = NextInput();
            switch (CheckDecode(input, failures))
            {
                case true: decoded++; break;
                case false: rejected++; break;
            }
        }
        return new FuzzSummary(done, decoded, rejected, generated, stopwatch.Elapsed, failures);
    }

    private byte[] NextInput()
    {
        byte[] input = _random.Next(10) switch
        {
            0 => RandomBytes(),
            1 => Compress(Mutate(Pick())),
            2 => MutateCompressed(),
            _ => Mutate(Pick()),
        };
        // Occasionally keep a mutant that still decodes so later mutations explore deeper structure.
        if (_corpus.Count < 4096 && _random.Next(64) == 0 && Decodes(input))
        {
            _corpus.Add(input);
        }
        return input;
    }

    private bool Decodes(byte[] input)
    {
        try
        {
            WaBinaryDecoder.Decode(input, _limits);
            return true;
        }
        catch (WaBinaryException)
        {
            return false;
        }
    }

    /// <returns>True when decoded, false when rejected, null when an invariant broke.</returns>
    private bool? CheckDecode(byte[] input, List<FuzzFailure> failures)
    {
        Node first;
        try
        {
            first = WaBinaryDecoder.Decode(input, _limits);
        }
        catch (WaBinaryException)
        {
            return false;
        }
        catch (Exception ex)
        {
            Record(failures, "decoder threw " + ex.GetType().Name, input, ex.ToString());
            return null;
        }

        try
        {
            var reencoded = WaBinaryEncoder.Encode(first);
            var second = WaBinaryDecoder.Decode(reencoded, _limits);
            if (!second.Equals(first))
            {
                Record(failures, "re-decoded node differs", input, $"{first}\n!=\n{second}");
                return null;
            }
            if (!WaBinaryEncoder.Encode(second).AsSpan().SequenceEqual(reencoded))
            {
                Record(failures, "re-encoding is not stable", input, first.ToString());
                return null;
            }
            return true;
        }
        catch (Exception ex)
        {
            Record(failures, "round trip threw " + ex.GetType().Name, input, ex.ToString());
            return null;
        }
    }

    private void CheckGenerated(List<FuzzFailure> failures)
    {
        var node = _nodes.Next();
        byte[] frame = [];
        try
        {
            frame = WaBinaryEncoder.Encode(node);
            var decoded = WaBinaryDecoder.Decode(frame, _limits);
            if (!decoded.Equals(node))
            {
                Record(failures, "generated node changed in round trip", frame, $"{node}\n!=\n{decoded}");
            }
            else if (_corpus.Count < 4096 && _random.Next(8) == 0)
            {
                _corpus.Add(frame);
            }
        }
        catch (Exception ex)
        {
            Record(failures, "generated node threw " + ex.GetType().Name, frame, node + "\n" + ex);
        }
    }

    private static void Record(List<FuzzFailure> failures, string kind, byte[] input, string detail)
    {
        if (failures.Count < MaxFailuresKept)
        {
            failures.Add(new FuzzFailure(kind, Convert.ToHexStringLower(input.AsSpan(0, Math.Min(input.Length, 4096))), detail));
        }
    }

    private byte[] Pick() => _corpus[_random.Next(_corpus.Count)];

    private byte[] RandomBytes()
    {
        var bytes = new byte[_random.Next(0, 48)];
        _random.NextBytes(bytes);
        if (bytes.Length > 0 && _random.Next(2) == 0)
        {
            bytes[0] = 0;
        }
        return bytes;
    }

    private byte[] Mutate(byte[] original)
    {
        var data = new List<byte>(original);
        var mutations = 1 + _random.Next(4);
        for (var m = 0; m < mutations; m++)
        {
            var position = data.Count == 0 ? 0 : _random.Next(data.Count);
            switch (_random.Next(8))
            {
                case 0 when data.Count > 0:
                    data[position] ^= (byte)(1 << _random.Next(8));
                    break;
                case 1 when data.Count > 0:
                    data[position] = InterestingBytes[_random.Next(InterestingBytes.Length)];
                    break;
                case 2 when data.Count > 0:
                    data[position] = (byte)_random.Next(256);
                    break;
                case 3:
                    data.Insert(position, InterestingBytes[_random.Next(InterestingBytes.Length)]);
                    break;
                case 4 when data.Count > 0:
                    data.RemoveRange(position, Math.Min(data.Count - position, 1 + _random.Next(4)));
                    break;
                case 5 when data.Count > 0:
                    data.RemoveRange(position, data.Count - position);
                    break;
                case 6 when data.Count > 1:
                    {
                        var length = Math.Min(data.Count - position, 1 + _random.Next(16));
                        data.InsertRange(_random.Next(data.Count), data.GetRange(position, length));
                        break;
                    }
                default:
                    {
                        // Splice the tail of another frame in.
                        var other = Pick();
                        var from = other.Length == 0 ? 0 : _random.Next(other.Length);
                        data.RemoveRange(position, data.Count - position);
                        data.AddRange(other.AsSpan(from).ToArray());
                        break;
                    }
            }
        }
        if (data.Count > 0 && _random.Next(4) != 0)
        {
            data[0] &= 0xFD; // keep most mutants uncompressed so they reach the node decoder
        }
        return [.. data];
    }

    private static byte[] Compress(byte[] frame)
    {
        var body = frame.Length > 0 ? frame.AsSpan(1) : [];
        using var output = new MemoryStream();
        output.WriteByte(0x02);
        using (var zlib = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(body);
        }
        return output.ToArray();
    }

    private byte[] MutateCompressed()
    {
        var compressed = Compress(Pick());
        var mutated = Mutate(compressed);
        if (mutated.Length > 0)
        {
            mutated[0] |= 0x02;
        }
        return mutated;
    }
}
