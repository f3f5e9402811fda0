// The pure WhatsApp Web multi-device protocol library: no Orleans, no ASP.NET.
