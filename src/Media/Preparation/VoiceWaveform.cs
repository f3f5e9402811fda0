using System.Buffers.Binary;

namespace CodeChat.Media.Preparation;

/// <summary>
/// The 64-bar waveform a voice note shows (<c>AudioMessage.waveform</c>): the signal cut into 64
/// equal blocks, each block's mean absolute amplitude, scaled so the loudest block is 100. This is
/// how Baileys' <c>getAudioWaveform</c> computes it (after wppconnect wa-js'
/// <c>prepareAudioWaveform</c>), here over 16-bit PCM read from a file.
/// </summary>
public static class VoiceWaveform
{
    public const int Bars = 64;

    /// <summary>The waveform of 16-bit little-endian mono PCM; null when the audio is shorter than <see cref="Bars"/> samples or silent.</summary>
    public static async Task<byte[]?> FromPcm16Async(Stream pcm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pcm);
        var samples = pcm.Length / 2;
        var blockSize = samples / Bars;
        if (blockSize == 0)
            return null;
        var sums = new double[Bars];
        var buffer = new byte[64 * 1024];
        long index = 0;
        pcm.Position = 0;
        int read;
        var carry = -1;
        while ((read = await pcm.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            var offset = 0;
            if (carry >= 0)
            {
                Add(sums, ref index, blockSize, (short)(carry | (buffer[0] << 8)));
                offset = 1;
                carry = -1;
            }
            for (; offset + 1 < read; offset += 2)
                Add(sums, ref index, blockSize, BinaryPrimitives.ReadInt16LittleEndian(buffer.AsSpan(offset, 2)));
            if (offset < read)
                carry = buffer[offset];
        }
        var loudest = sums.Max();
        if (loudest <= 0)
            return null;
        return [.. sums.Select(sum => (byte)Math.Floor(100 * sum / loudest))];
    }

    private static void Add(double[] sums, ref long index, long blockSize, short sample)
    {
        var bar = index / blockSize;
        index++;
        // Samples after the last whole block are left out, as in Baileys.
        if (bar < Bars)
            sums[bar] += Math.Abs(sample / 32768.0);
    }
}
