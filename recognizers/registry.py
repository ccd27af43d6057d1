"""The recognizers the analyzer runs, by module path and class name (one per file)."""

RECOGNIZERS: list[str] = [
    "recognizers.v_number.VNumberRecognizer",
    "recognizers.bsn.BsnRecognizer",
    "recognizers.klantnummer.KlantnummerRecognizer",
    "recognizers.iban.IbanRecognizer",
    "recognizers.phone.PhoneRecognizer",
    "recognizers.email.EmailRecognizer",
    "recognizers.address.AddressRecognizer",
    "recognizers.date_of_birth.DateOfBirthRecognizer",
    "recognizers.id_document.IdDocumentRecognizer",
    "recognizers.license_plate.LicensePlateRecognizer",
    "recognizers.special_category.SpecialCategoryRecognizer",
    "recognizers.criminal_data.CriminalDataRecognizer",
    "recognizers.asylum_motive.AsylumMotiveRecognizer",
    "recognizers.person.PersonRecognizer",
    "recognizers.table.TableColumnRecognizer",
]
