"""Documents: PDF badges and programmes (WeasyPrint), QR codes."""
